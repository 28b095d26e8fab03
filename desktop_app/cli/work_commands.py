"""Working an incident from the command line: worklog, take, escalate, workaround, resolve, close, reopen.

Every command prints the incident with ``--json``; a refused one exits 2 with the rule's message (main.py).
"""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.cli import sync_commands
from desktop_app.cli.incident_commands import text_argument
from desktop_app.cli.output import incident_json, print_json
from desktop_app.context import AppContext
from desktop_app.domain.closure_rules import RESOLUTION_CODES, ROOT_CAUSE_CATEGORIES
from desktop_app.domain.dtos import IncidentDetail
from desktop_app.domain.enums import Status
from desktop_app.domain.errors import ValidationError
from desktop_app.domain.escalation import EscalationKind
from desktop_app.domain.timeline import TimelineKind, format_minutes
from desktop_app.services.worklog_service import WORKLOG_KINDS
from sync_protocol.workflow_rules import RESOLUTION_CODES_ERROR


def add_parsers(commands: argparse._SubParsersAction, number_help: str) -> None:
    take = commands.add_parser("take", help='"take it": assign an incident to yourself, in its group')
    take.add_argument("number", help=number_help)
    _json_flag(take)
    take.set_defaults(handler=cmd_take)

    escalate = commands.add_parser(
        "escalate",
        help="escalate to another group (functional) or a supervisor (hierarchical), or reassign with a reason",
    )
    escalate.add_argument("number", help=number_help)
    escalate.add_argument(
        "--kind", type=EscalationKind, choices=list(EscalationKind), default=EscalationKind.FUNCTIONAL, metavar="KIND"
    )
    escalate.add_argument("--reason", required=True, help="why (required); '-' reads it from standard input")
    escalate.add_argument("--group", help="the group it goes to (functional; default: its group)")
    escalate.add_argument("--to", metavar="AGENT", help="the person: the supervisor (hierarchical), anyone (reassign)")
    _json_flag(escalate)
    escalate.set_defaults(handler=cmd_escalate)

    workaround = commands.add_parser("workaround", help="record, publish or clear an incident's workaround")
    workaround.add_argument("number", help=number_help)
    workaround.add_argument("text", nargs="?", help="the workaround; '-' reads standard input; omit with --publish")
    workaround.add_argument("--publish", action="store_true", help="tell the reporter: a visible communication note")
    workaround.add_argument("--clear", action="store_true", help="remove the workaround")
    workaround.add_argument("--keep", metavar="SYMPTOM", help="also keep it as a known error for this symptom")
    _json_flag(workaround)
    workaround.set_defaults(handler=cmd_workaround)

    close = commands.add_parser("close", help="close with the closure documentation (the record becomes read-only)")
    close.add_argument("number", help=number_help)
    close.add_argument("--cause-category", required=True, metavar="CATEGORY", help=", ".join(ROOT_CAUSE_CATEGORIES))
    close.add_argument("--root-cause", required=True, metavar="TEXT")
    close.add_argument("--steps", metavar="TEXT", help="the steps taken (default: the resolution notes)")
    close.add_argument("--code", metavar="CODE", help="change the resolution code")
    told = close.add_mutually_exclusive_group(required=True)
    told.add_argument("--informed", action="store_true", help="the reporter was told")
    told.add_argument("--not-informed", metavar="WHY", help="the reporter was not told, and why")
    _json_flag(close)
    close.set_defaults(handler=cmd_close)

    reopen = commands.add_parser("reopen", help="send a resolved or closed incident back to work, with a reason")
    reopen.add_argument("number", help=number_help)
    reopen.add_argument("--reason", required=True)
    _json_flag(reopen)
    reopen.set_defaults(handler=cmd_reopen)

    timeline = commands.add_parser("timeline", help="an incident's timeline, newest first")
    timeline.add_argument("number", help=number_help)
    timeline.add_argument(
        "--only", action="append", type=TimelineKind, choices=list(TimelineKind), metavar="KIND", help="repeatable"
    )
    _json_flag(timeline)
    timeline.set_defaults(handler=cmd_timeline)

    similar = commands.add_parser("similar", help="open and recent incidents like this one, with their workarounds")
    similar.add_argument("number", help=number_help)
    similar.add_argument("--limit", type=int, default=8)
    _json_flag(similar)
    similar.set_defaults(handler=cmd_similar)

    link = commands.add_parser("link", help="link an incident to a parent (major) incident, or as its duplicate")
    link.add_argument("number", help=number_help)
    link.add_argument("--to", required=True, metavar="NUMBER", help="the parent or original incident")
    link.add_argument("--duplicate", action="store_true", help="this one is a duplicate of it")
    _json_flag(link)
    link.set_defaults(handler=cmd_link)

    known = commands.add_parser("known", help="search the known errors (saved workarounds)")
    known.add_argument("text", nargs="?", help="words of the symptom")
    known.add_argument("--category", help='a category path, e.g. "Network > VPN"')
    _json_flag(known)
    known.set_defaults(handler=cmd_known)

    codes = commands.add_parser("resolution-codes", help="the resolution codes and root cause categories")
    _json_flag(codes)
    codes.set_defaults(handler=cmd_codes)


def add_resolve_options(resolve: argparse.ArgumentParser) -> None:
    """``resolve NUMBER --code C --notes T`` beside the conflicts' ``resolve ID --keep-theirs|--restore-mine``."""
    resolve.add_argument("--code", metavar="CODE", help="resolving an incident: " + ", ".join(RESOLUTION_CODES))
    resolve.add_argument("--notes", metavar="TEXT", help="resolving an incident: what was done ('-': standard input)")
    _json_flag(resolve)
    resolve.set_defaults(handler=cmd_resolve)


def add_worklog_options(note: argparse.ArgumentParser) -> None:
    """``note`` as a worklog entry: minutes spent and whether the reporter may see it."""
    note.add_argument("--minutes", type=int, metavar="N", help="time spent, in minutes")
    note.add_argument("--visible", action="store_true", help="visible to the reporter (default: internal)")
    note.set_defaults(handler=cmd_note)


def cmd_note(context: AppContext, args: argparse.Namespace) -> int:
    detail = context.incidents.get_by_number(args.number)
    if args.kind not in WORKLOG_KINDS:  # a workaround note: no minutes, never shown to the reporter
        if args.minutes is not None or args.visible:
            raise ValidationError("--minutes and --visible are for worklog, investigation and communication notes.")
        after = context.incidents.add_note(detail.id, text_argument(args.text) or "", args.kind).value
        _print(args, after, f"Added a note ({args.kind.value}) to {after.display_number}.")
        return 0
    after = context.workflow.worklog.add_entry(
        detail.id,
        text_argument(args.text) or "",
        kind=args.kind,
        time_spent_minutes=args.minutes,
        visibility="visible" if args.visible else "internal",
    ).value
    spent = f", {format_minutes(args.minutes)}" if args.minutes else ""
    _print(args, after, f"Added a note ({args.kind.value}{spent}) to {after.display_number}.")
    return 0


def cmd_take(context: AppContext, args: argparse.Namespace) -> int:
    detail = context.incidents.get_by_number(args.number)
    after = context.workflow.escalations.take(detail.id).value
    _print(args, after, f"{after.display_number} is yours now ({after.group_name or 'no group'}).")
    return 0


def cmd_escalate(context: AppContext, args: argparse.Namespace) -> int:
    detail = context.incidents.get_by_number(args.number)
    group_id = context.directory.find_group(args.group).id if args.group else detail.group_id
    assignee_id = context.directory.find_agent(args.to).id if args.to else None
    after = context.workflow.escalations.escalate(
        detail.id, args.kind, text_argument(args.reason) or "", group_id=group_id, assignee_id=assignee_id
    ).value
    where = " / ".join(name for name in (after.group_name, after.assignee_name) if name) or "nobody"
    _print(args, after, f"{after.display_number} escalated ({args.kind.value}) to {where}.")
    return 0


def cmd_workaround(context: AppContext, args: argparse.Namespace) -> int:
    detail = context.incidents.get_by_number(args.number)
    text = text_argument(args.text)
    if args.clear and (text or args.publish):
        raise ValidationError("--clear takes neither a text nor --publish.")
    worklog = context.workflow.worklog
    if args.keep is not None and args.clear:
        raise ValidationError("--clear cannot keep a known error.")
    if args.publish:
        after = worklog.publish_workaround(detail.id, text).value
        message = f"Published the workaround of {after.display_number} to its reporter."
    elif args.clear or text:
        after = worklog.set_workaround(detail.id, None if args.clear else text).value
        message = f"{'Cleared' if args.clear else 'Saved'} the workaround of {after.display_number}."
    else:
        raise ValidationError("Give the workaround text, --publish or --clear.")
    if args.keep is not None:
        context.workflow.knowledge.save(
            symptom=args.keep,
            workaround=after.workaround or "",
            category_id=after.category_id,
            source_incident_id=after.id,
        )
        message += " Kept as a known error."
    _print(args, after, message)
    return 0


def cmd_resolve(context: AppContext, args: argparse.Namespace) -> int:
    incident = args.code is not None or args.notes is not None
    conflict = args.keep_theirs or args.restore_mine
    if conflict and not incident:
        return sync_commands.cmd_resolve(context, args)
    if conflict or not incident:
        raise ValidationError(
            "Resolve an incident with --code and --notes, or a conflict with --keep-theirs or --restore-mine."
        )
    detail = context.incidents.get_by_number(args.id)
    after = context.incidents.change_status(
        detail.id, Status.RESOLVED, resolution_code=args.code, resolution_steps=text_argument(args.notes)
    ).value
    _print(args, after, f"{after.display_number} is resolved ({RESOLUTION_CODES.get(after.resolution_code or '')}).")
    return 0


def cmd_close(context: AppContext, args: argparse.Namespace) -> int:
    detail = context.incidents.get_by_number(args.number)
    after = context.incidents.change_status(
        detail.id,
        Status.CLOSED,
        resolution_code=args.code,
        resolution_steps=args.steps,
        root_cause_category=args.cause_category,
        root_cause=args.root_cause,
        reporter_informed=bool(args.informed),
        reporter_not_informed_reason=args.not_informed,
    ).value
    _print(args, after, f"{after.display_number} is closed and read-only.")
    return 0


def cmd_reopen(context: AppContext, args: argparse.Namespace) -> int:
    detail = context.incidents.get_by_number(args.number)
    after = context.incidents.change_status(detail.id, Status.IN_PROGRESS, reason=args.reason).value
    _print(args, after, f"{after.display_number} is reopened (was {detail.status.label.lower()}).")
    return 0


def cmd_timeline(context: AppContext, args: argparse.Namespace) -> int:
    detail = context.incidents.get_by_number(args.number)
    entries = context.workflow.timeline.timeline(detail.id, kinds=args.only)
    if args.json:
        print_json(
            [
                {
                    "at": e.at.isoformat(),
                    "kind": e.kind.value,
                    "title": e.title,
                    "body": e.body,
                    "actor": e.actor,
                }
                for e in entries
            ]
        )
        return 0
    for entry in entries:
        who = f" ({entry.actor})" if entry.actor else ""
        print(f"{entry.at.astimezone():%Y-%m-%d %H:%M}  {entry.kind.value:<13} {entry.title}{who}")
        if entry.body:
            print("    " + entry.body.replace("\n", "\n    "))
    return 0


def cmd_similar(context: AppContext, args: argparse.Namespace) -> int:
    detail = context.incidents.get_by_number(args.number)
    found = context.workflow.similar.similar_to(detail.id, limit=args.limit)
    if args.json:
        print_json(
            [
                {
                    "id": str(s.id),
                    "number": s.display_number,
                    "title": s.title,
                    "status": s.status.value,
                    "category": s.category_path,
                    "same_category": s.same_category,
                    "workaround": s.workaround,
                }
                for s in found
            ]
        )
        return 0
    if not found:
        print(f"Nothing open or recent looks like {detail.display_number}.")
    for s in found:
        flag = "*" if s.same_category else " "
        print(f"{flag} {s.display_number}  {s.status.label:<11} {s.title}")
        if s.workaround:
            print(f"    workaround: {s.workaround}")
    return 0


def cmd_link(context: AppContext, args: argparse.Namespace) -> int:
    detail = context.incidents.get_by_number(args.number)
    parent = context.incidents.get_by_number(args.to)
    after = context.workflow.similar.link(detail.id, parent.id, duplicate=args.duplicate).value
    how = "a duplicate of" if args.duplicate else "under"
    _print(args, after, f"{after.display_number} is now {how} {parent.display_number}.")
    return 0


def cmd_known(context: AppContext, args: argparse.Namespace) -> int:
    category_id = context.categories.resolve_path(args.category).id if args.category else None
    found = context.workflow.knowledge.search(args.text, category_id=category_id, limit=20)
    if args.json:
        print_json(
            [
                {
                    "id": str(k.id),
                    "category": k.category_path,
                    "symptom": k.symptom,
                    "workaround": k.workaround,
                    "source_incident_id": str(k.source_incident_id) if k.source_incident_id else None,
                }
                for k in found
            ]
        )
        return 0
    if not found:
        print("No known error matches.")
    for k in found:
        print(f"{k.symptom}  [{k.category_path or 'no category'}]\n    {k.workaround}")
    return 0


def cmd_codes(context: AppContext, args: argparse.Namespace) -> int:
    if RESOLUTION_CODES_ERROR:
        raise ValidationError(f"No resolution code can be used: {RESOLUTION_CODES_ERROR}")
    data: dict[str, Any] = {"resolution_codes": RESOLUTION_CODES, "root_cause_categories": ROOT_CAUSE_CATEGORIES}
    if args.json:
        print_json(data)
        return 0
    for title, values in (("Resolution codes", RESOLUTION_CODES), ("Root cause categories", ROOT_CAUSE_CATEGORIES)):
        print(f"{title}:")
        for value, label in values.items():
            print(f"  {value:<22} {label}")
    return 0


def _json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the incident as JSON")


def _print(args: argparse.Namespace, detail: IncidentDetail, message: str) -> None:
    if args.json:
        print_json(incident_json(detail))
    else:
        print(message)
