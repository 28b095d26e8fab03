"""Working incidents from the command line: create, update, list, show, assign, status, note."""

from __future__ import annotations

import argparse
import re
import sys
import uuid
from dataclasses import dataclass

from desktop_app.cli.output import incident_json, incident_text, print_json
from desktop_app.cli.values import hold_reason_value
from desktop_app.context import AppContext
from desktop_app.domain.dtos import IncidentDetail, IncidentDraft, IncidentPatch, ReporterDraft
from desktop_app.domain.enums import Channel, HoldReason, Status
from desktop_app.domain.errors import NotFoundError, ValidationError
from desktop_app.services.reporter_service import EMAIL_PATTERN

# Fields whose change `update` reports; the rest (version, updated_at, history) always move.
REPORTED_FIELDS = (
    "title",
    "description",
    "channel",
    "category_path",
    "impact",
    "urgency",
    "priority",
    "priority_override_reason",
    "reporter_name",
    "reporter_email",
    "reporter_phone",
    "occurred_at",
    "workaround",
    "resolution_code",
    "root_cause",
    "resolution_steps",
    "is_drill",
)


@dataclass(frozen=True)
class ReporterChoice:
    """Who reported: someone in the directory, someone to add, or nobody named."""

    reporter_id: uuid.UUID | None = None
    new_reporter: ReporterDraft | None = None


def name_from_email(email: str) -> str:
    """'jane.smith@example.com' → 'Jane Smith'; digits and separators in the local part are dropped."""
    local = email.split("@", 1)[0]
    words = [word.rstrip("0123456789") for word in re.split(r"[._\-+]+", local)]
    name = " ".join(word[:1].upper() + word[1:] for word in words if word)
    return name or local


def text_argument(value: str | None) -> str | None:
    """``-`` means: read the text from standard input (for long descriptions and notes)."""
    return sys.stdin.read() if value == "-" else value


def choose_reporter(
    context: AppContext, name_or_email: str | None, email: str | None, phone: str | None
) -> ReporterChoice:
    """Find the reporter by e-mail, then by name or e-mail; someone unknown becomes a new directory entry."""
    needle = (name_or_email or email or "").strip()
    if not needle:
        if phone:
            raise ValidationError("Name the reporter with --reporter (a name or an e-mail address).", field="reporter")
        return ReporterChoice()
    for candidate in dict.fromkeys(text for text in (email, needle) if text):
        try:
            found = context.reporters.resolve(candidate)
        except NotFoundError:
            continue
        ignored = [
            option
            for option, given, known in (
                ("--reporter-email", email, found.email),
                ("--reporter-phone", phone, found.phone),
            )
            if given and given.casefold() != (known or "").casefold()
        ]
        if ignored:
            print(
                f"note: {found.name} is already in the directory; {' and '.join(ignored)} not applied.",
                file=sys.stderr,
            )
        return ReporterChoice(reporter_id=found.id)
    if EMAIL_PATTERN.match(needle):
        return ReporterChoice(new_reporter=ReporterDraft(name=name_from_email(needle), email=needle, phone=phone))
    return ReporterChoice(new_reporter=ReporterDraft(name=needle, email=email, phone=phone))


def _group_id(context: AppContext, name: str | None) -> uuid.UUID | None:
    return context.directory.find_group(name).id if name else None


def _agent_id(context: AppContext, name: str | None) -> uuid.UUID | None:
    return context.directory.find_agent(name).id if name else None


def _default_channel(context: AppContext) -> Channel:
    try:
        return Channel(context.settings.default_channel)
    except ValueError:
        return Channel.PHONE


def _print_detail(args: argparse.Namespace, detail: IncidentDetail, message: str) -> None:
    if args.json:
        print_json(incident_json(detail))
    else:
        print(message)


def cmd_create(context: AppContext, args: argparse.Namespace) -> int:
    choice = choose_reporter(context, args.reporter, args.reporter_email, args.reporter_phone)
    draft = IncidentDraft(
        description=text_argument(args.description) or "",
        title=args.title,
        reporter_id=choice.reporter_id,
        new_reporter=choice.new_reporter,
        category_path=args.category,
        impact=args.impact,
        urgency=args.urgency,
        channel=args.channel or _default_channel(context),
        occurred_at=args.occurred,
        priority_override=args.priority,
        priority_override_reason=args.priority_reason,
        group_id=_group_id(context, args.group),
        assignee_id=_agent_id(context, args.assignee),
        is_drill=args.drill,
    )
    detail = context.incidents.create(draft).value
    message = (
        f"Created {detail.display_number} ({detail.priority.value}, {detail.status.label.lower()}): {detail.title}"
    )
    if choice.new_reporter is not None and detail.reporter is not None:
        contact = f" <{detail.reporter.email}>" if detail.reporter.email else ""
        message += f"\nAdded {detail.reporter.name}{contact} to the reporter directory."
    _print_detail(args, detail, message)
    return 0


def cmd_update(context: AppContext, args: argparse.Namespace) -> int:
    before = context.incidents.get_by_number(args.number)
    # Check the category before anything is written: a new reporter would otherwise be added in vain.
    category_id = context.categories.resolve_path(args.category).id if args.category else None
    reporter_id = None
    if args.reporter or args.reporter_email:
        choice = choose_reporter(context, args.reporter, args.reporter_email, args.reporter_phone)
        reporter_id = choice.reporter_id
        if choice.new_reporter is not None:
            reporter_id = context.reporters.create(choice.new_reporter).value.id
    patch = IncidentPatch(
        title=args.title,
        description=text_argument(args.description),
        reporter_id=reporter_id,
        category_id=category_id,
        impact=args.impact,
        urgency=args.urgency,
        channel=args.channel,
        occurred_at=args.occurred,
        priority_override=args.priority,
        priority_override_reason=args.priority_reason,
        clear_priority_override=args.clear_priority,
        is_drill=args.drill,
        workaround=args.workaround,
        resolution_code=args.resolution_code,
        root_cause=args.root_cause,
        resolution_steps=args.resolution_steps,
    )
    if patch.is_empty():
        raise ValidationError("Nothing to change: give at least one field option (see `helpdesk-cli update --help`).")
    after = context.incidents.update(before.id, patch).value
    changed = [name.replace("_path", "") for name in REPORTED_FIELDS if getattr(before, name) != getattr(after, name)]
    if changed:
        message = f"Updated {after.display_number}: {', '.join(changed)} (version {after.version})."
    else:
        message = f"{after.display_number} already had those values; nothing changed."
    _print_detail(args, after, message)
    return 0


def cmd_show(context: AppContext, args: argparse.Namespace) -> int:
    detail = context.incidents.get_by_number(args.number)
    _print_detail(args, detail, incident_text(detail))
    return 0


def cmd_assign(context: AppContext, args: argparse.Namespace) -> int:
    if not (args.group or args.to or args.unassign):
        raise ValidationError("Say what to change: --group GROUP, --to AGENT or --unassign.")
    detail = context.incidents.get_by_number(args.number)
    group_id, assignee_id = detail.group_id, detail.assignee_id
    if args.unassign:
        # Back to the unassigned queue, unless a group is named as well.
        group_id = assignee_id = None
    if args.group:
        group_id = _group_id(context, args.group)
        members = {agent.id for agent in context.directory.agents(group_id=group_id)}
        if not args.to and assignee_id not in members:
            assignee_id = None  # a new group picks its own assignee
    if args.to:
        assignee_id = _agent_id(context, args.to)
    after = context.incidents.assign(detail.id, group_id=group_id, assignee_id=assignee_id).value
    message = (
        f"{after.display_number}: group {after.group_name or 'none'}, assignee {after.assignee_name or 'none'}, "
        f"status {after.status.label.lower()}."
    )
    _print_detail(args, after, message)
    return 0


def cmd_status(context: AppContext, args: argparse.Namespace) -> int:
    detail = context.incidents.get_by_number(args.number)
    reopening = args.status == Status.IN_PROGRESS and detail.status in (Status.RESOLVED, Status.CLOSED)
    if args.reason is not None and args.status != Status.ON_HOLD and not reopening:
        raise ValidationError(
            "--reason only applies when putting an incident on hold or reopening it.", field="hold_reason"
        )
    hold_reason = _hold_reason(args.reason) if args.reason is not None and not reopening else None
    informed = True if args.informed else False if args.not_informed is not None else None
    after = context.incidents.change_status(
        detail.id,
        args.status,
        hold_reason=hold_reason,
        resolution_code=args.resolution_code,
        root_cause=args.root_cause,
        resolution_steps=args.steps,
        root_cause_category=args.cause_category,
        reporter_informed=informed,
        reporter_not_informed_reason=args.not_informed,
        reason=args.reason if reopening else None,
    ).value
    state = after.status.label.lower()
    if after.hold_reason:
        state += f" ({after.hold_reason.label.lower()})"
    _print_detail(args, after, f"{after.display_number} is now {state} (was {detail.status.label.lower()}).")
    return 0


def _hold_reason(text: str) -> HoldReason:
    try:
        return hold_reason_value(text)
    except argparse.ArgumentTypeError as exc:
        raise ValidationError(f"--reason: {exc}", field="hold_reason") from exc


def cmd_note(context: AppContext, args: argparse.Namespace) -> int:
    detail = context.incidents.get_by_number(args.number)
    after = context.incidents.add_note(detail.id, text_argument(args.text) or "", args.kind).value
    _print_detail(args, after, f"Added a note ({args.kind.value}) to {after.display_number}.")
    return 0
