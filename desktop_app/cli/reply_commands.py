"""`helpdesk-cli reply NUMBER --template NAME [--send|--preview] [--json]`, `templates`, `messages NUMBER`:
canned responses rendered for an incident, sent (or handed over as a mailto: URL) and logged."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from desktop_app.cli.output import print_json
from desktop_app.context import AppContext
from desktop_app.domain.errors import ValidationError
from desktop_app.domain.messages import MessageView, Route
from desktop_app.services.communication_service import ReplyDraft


def add_parsers(commands: argparse._SubParsersAction, number_help: str) -> None:
    reply = commands.add_parser(
        "reply",
        help="render a canned response for an incident's reporter; --send sends and logs it",
        description="Without --send, prints the message as the reporter would read it and the warnings "
        "(placeholders with no value, unknown placeholders). --send refuses while any placeholder is unfilled. "
        "It goes through the sync server when this client syncs, else this client's SMTP server, else it "
        "prints a mailto: URL for your mail client; every message is in the incident's communication log.",
    )
    reply.add_argument("number", help=number_help)
    reply.add_argument("--template", required=True, metavar="NAME", help="the canned response (see templates)")
    reply.add_argument("--to", metavar="ADDRESS", help="send to this address instead of the reporter's")
    mode = reply.add_mutually_exclusive_group()
    mode.add_argument("--send", action="store_true", help="send it and log it")
    mode.add_argument("--preview", action="store_true", help="only show it (the default)")
    reply.add_argument("--json", action="store_true", help="print JSON instead of text")
    reply.set_defaults(handler=cmd_reply)

    templates = commands.add_parser("templates", help="the canned responses and the categories they serve")
    templates.add_argument("--json", action="store_true", help="print JSON instead of text")
    templates.set_defaults(handler=cmd_templates)

    messages = commands.add_parser("messages", help="an incident's communication log with delivery states")
    messages.add_argument("number", help=number_help)
    messages.add_argument("--retry", action="store_true", help="first try again to send queued SMTP messages")
    messages.add_argument("--json", action="store_true", help="print JSON instead of text")
    messages.set_defaults(handler=cmd_messages)


def cmd_templates(context: AppContext, args: argparse.Namespace) -> int:
    templates = context.communication.templates()
    if args.json:
        print_json(
            [{"name": t.name, "category": t.category_path, "subject": t.subject, "body": t.body} for t in templates]
        )
        return 0
    for template in templates:
        scope = template.category_path or "every category"
        print(f"{template.name:<20} {scope:<28} {template.subject}")
    return 0


def cmd_reply(context: AppContext, args: argparse.Namespace) -> int:
    detail = context.incidents.get_by_number(args.number)
    draft = context.communication.draft(detail.id, "", "", template_name=args.template)
    to = (args.to or "").strip() or draft.to
    if not args.send:
        _show_draft(draft, to, args.json)
        return 0
    unfilled = draft.subject.missing + draft.body.missing + draft.subject.unknown + draft.body.unknown
    if unfilled:
        names = ", ".join("{" + name + "}" for name in dict.fromkeys(unfilled))
        raise ValidationError(f"Not sent: {names} has no value for {detail.display_number}.")
    sent = context.communication.send(
        detail.id, draft.subject.text, draft.body.text, to=to, template_name=args.template
    )
    message = sent.message
    if message.route is Route.SMTP:
        delivered = {m.id: m for m in context.communication.deliver_pending()}
        message = delivered.get(message.id, message)
    if args.json:
        print_json({**message_json(message), "mailto": sent.mailto})
        return 0
    print(f"{detail.display_number}: message to {message.to}: {message.state_text}")
    if sent.mailto:
        print(f"Open it in your mail client: {sent.mailto}")
    return 0


def cmd_messages(context: AppContext, args: argparse.Namespace) -> int:
    detail = context.incidents.get_by_number(args.number)
    if args.retry:
        context.communication.deliver_pending()
    messages = context.communication.messages(detail.id)
    if args.json:
        print_json([message_json(m) for m in messages])
        return 0
    if not messages:
        print(f"No messages to the reporter of {detail.display_number} yet.")
    for message in messages:
        when = message.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
        print(f"{when}  {message.state_text}  {message.to}  {message.subject}")
    return 0


def _show_draft(draft: ReplyDraft, to: str | None, as_json: bool) -> None:
    if as_json:
        print_json({"to": to, "subject": draft.subject.text, "body": draft.body.text, "warnings": draft.warnings})
        return
    print(f"To: {to or '(no address)'}\nSubject: {draft.subject.text}\n\n{draft.body.text}")
    for warning in draft.warnings:
        print(f"warning: {warning}", file=sys.stderr)


def message_json(message: MessageView) -> dict[str, Any]:
    return {
        "id": str(message.id),
        "route": message.route.value,
        "to": message.to,
        "subject": message.subject,
        "template": message.template_name,
        "state": message.state.value,
        "state_text": message.state_text,
        "attempts": message.attempts,
        "last_error": message.last_error,
        "created_at": message.created_at.isoformat(),
        "sent_at": message.sent_at.isoformat() if message.sent_at else None,
    }
