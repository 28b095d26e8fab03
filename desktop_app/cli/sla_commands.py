"""`helpdesk-cli sla NUMBER [--json]`: an incident's response and resolution clocks."""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.cli.output import print_json
from desktop_app.context import AppContext
from desktop_app.domain.errors import ValidationError
from desktop_app.domain.ids import format_number
from desktop_app.domain.sla import SlaStatus
from desktop_app.domain.sla_text import clock_text


def add_parsers(commands: argparse._SubParsersAction, number_help: str) -> None:
    sla = commands.add_parser(
        "sla",
        help="an incident's SLA clocks: remaining time, due time, paused or breached",
        description="Response and resolution clocks, computed from the incident's history with this client's "
        "SLA settings (business hours, holidays, targets per priority; paused while On Hold).",
    )
    sla.add_argument("number", nargs="?", help=number_help)
    sla.add_argument(
        "--soon", action="store_true", help="instead: open incidents past the warning share, soonest due first"
    )
    sla.add_argument("--json", action="store_true", help="print JSON instead of text")
    sla.set_defaults(handler=cmd_sla)


def cmd_sla(context: AppContext, args: argparse.Namespace) -> int:
    if args.soon:
        return _breaching_soon(context, args)
    if args.number is None:
        raise ValidationError("Name an incident (sla INC-000123), or ask for --soon.")
    incident_id, number, status = context.sla.status_by_number(args.number)
    if args.json:
        print_json({"id": str(incident_id), "number": format_number(number), **sla_json(status)})
    else:
        print(f"{format_number(number)}  SLA as of {status.computed_at.astimezone():%Y-%m-%d %H:%M}")
        for clock in status.clocks:
            print(f"  {clock.kind.label:<11} {clock_text(clock, status.computed_at)}")
    return 0


def _breaching_soon(context: AppContext, args: argparse.Namespace) -> int:
    warned = context.sla.breaching_soon()
    summaries = {s.id: s for s in context.incidents.summaries([incident_id for incident_id, _ in warned])}
    rows = [(summaries[i], clock) for i, clock in warned if i in summaries]
    if args.json:
        print_json(
            [
                {
                    "number": summary.display_number,
                    "title": summary.title,
                    "clock": clock.kind.value,
                    "priority": clock.priority.value,
                    "remaining_minutes": _minutes(clock.remaining),
                    "due_at": clock.due_at.isoformat() if clock.due_at else None,
                }
                for summary, clock in rows
            ]
        )
        return 0
    if not rows:
        print("No open incident is past the warning share.")
    for summary, clock in rows:
        print(f"{summary.display_number}  {clock.kind.label:<11} {clock_text(clock)}  {summary.title}")
    return 0


def sla_json(status: SlaStatus) -> dict[str, Any]:
    return {
        "computed_at": status.computed_at.isoformat(),
        "warn_share": status.warn_share,
        "clocks": {
            clock.kind.value: {
                "state": clock.state.value,
                "priority": clock.priority.value,
                "target_minutes": _minutes(clock.target),
                "used_minutes": _minutes(clock.used),
                "remaining_minutes": _minutes(clock.remaining),
                "overdue_minutes": _minutes(clock.overdue),
                "share": round(clock.share, 4),
                "due_at": clock.due_at.isoformat() if clock.due_at else None,
                "stopped_at": clock.stopped_at.isoformat() if clock.stopped_at else None,
            }
            for clock in status.clocks
        },
    }


def _minutes(amount: Any) -> int:
    return int(amount.total_seconds() // 60)
