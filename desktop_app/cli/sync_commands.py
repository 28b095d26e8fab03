"""Syncing with a central server from the command line: login, logout, sync, status, the outbox and conflicts.

The password comes from ``HELPDESK_PASSWORD`` or standard input (prompted without echo on a terminal),
never from an argument, where it would show in the process list and the shell history.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from desktop_app.cli import incident_commands
from desktop_app.cli.output import EMPTY, clip, jsonable, local_time, print_json, table
from desktop_app.context import AppContext
from desktop_app.domain.errors import NotFoundError, ValidationError
from desktop_app.domain.sync_errors import AuthRequired
from desktop_app.sync.dtos import ConflictView, OutboxItem, OutboxState, SyncProgress, SyncReport, SyncStatus
from desktop_app.sync.http import normalise_server_url

ENV_PASSWORD = "HELPDESK_PASSWORD"
T = TypeVar("T")


def read_password(prompt: str = "Password: ") -> str:
    password = os.environ.get(ENV_PASSWORD)
    if password is None:
        password = getpass.getpass(prompt) if sys.stdin.isatty() else sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise ValidationError(f"No password given: type it, pipe it on standard input, or set {ENV_PASSWORD}.")
    return password


def cmd_login(context: AppContext, args: argparse.Namespace) -> int:
    server = normalise_server_url(args.server)  # a typo is refused before the password is asked for
    result = context.sync.login(server, args.user, read_password())
    if args.json:
        print_json(result)
    else:
        print(f"Logged in to {result.server_url} as {result.name} ({result.username}, {result.role}).")
        print("Run `helpdesk-cli sync` to send your changes and fetch the team's.")
    if not result.remembered and result.keyring_message:
        print(f"note: {result.keyring_message}", file=sys.stderr)
    return 0


def cmd_logout(context: AppContext, args: argparse.Namespace) -> int:
    told = context.sync.logout()
    status = context.sync.status()
    waiting = f" {status.pending} change(s) stay in the outbox until you log in again." if status.pending else ""
    where = "" if told else " (the server could not be told; the session there simply expires)"
    print(f"Logged out of {status.server_url}{where}.{waiting}")
    return 0


def with_session(context: AppContext, action: Callable[[], T]) -> T:
    """Run a server call; with no stored session (no keyring, or it ended) a password in the environment
    logs in again and the call is tried once more."""
    try:
        return action()
    except AuthRequired:
        status = context.sync.status()
        if os.environ.get(ENV_PASSWORD) is None or not status.server_url or not status.username:
            raise
        context.sync.login(status.server_url, status.username, os.environ[ENV_PASSWORD])
        return action()


def cmd_sync(context: AppContext, args: argparse.Namespace) -> int:
    progress = None if args.json or args.quiet else _print_progress
    report = with_session(context, lambda: context.sync.sync_once(progress))
    status = context.sync.status()
    if args.json:
        print_json({"report": _report_json(report), "status": _status_json(status)})
    else:
        print(_report_text(report, status))
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def cmd_status_or_move(context: AppContext, args: argparse.Namespace) -> int:
    """`status` alone: the sync status; `status NUMBER STATUS`: move an incident (incident_commands)."""
    if args.number is None and args.status is None:
        incident_only = [
            flag
            for flag, value in (
                ("--reason", args.reason),
                ("--resolution-code", args.resolution_code),
                ("--root-cause", args.root_cause),
                ("--steps", args.steps),
            )
            if value is not None
        ]
        if incident_only:
            raise ValidationError(f"{', '.join(incident_only)}: name the incident and the new status too.")
        return cmd_status(context, args)
    if args.number is None or args.status is None:
        raise ValidationError("Give the incident number and the new status, like `status INC-000123 resolved`.")
    return incident_commands.cmd_status(context, args)


def cmd_status(context: AppContext, args: argparse.Namespace) -> int:
    status = context.sync.status()
    if args.json:
        print_json(_status_json(status))
        return 0
    if status.offline_only:
        print("Offline only: no server configured. `helpdesk-cli login --server URL --user NAME` connects one.")
        return 0
    who = f"{status.username} ({status.role})" if status.role else status.username
    rows = [
        ("Server", f"{status.server_url} as {who}" + ("" if status.logged_in else " - logged out")),
        ("State", status.label),
        ("Pending", f"{status.pending:,}"),
        ("Errors", f"{status.errors:,}" + ("  (helpdesk-cli errors)" if status.errors else "")),
        ("Conflicts", f"{status.conflicts:,}" + ("  (helpdesk-cli conflicts)" if status.conflicts else "")),
        ("Numbers", f"{status.leased_numbers_left} leased left, {status.pending_numbers} incident(s) pending"),
        ("Last sync", local_time(status.last_sync_at)),
    ]
    if status.last_error:
        rows.append(("Last error", f"{status.last_error} ({local_time(status.last_error_at)})"))
    print("\n".join(f"{label:<10}  {value}" for label, value in rows))
    return 0


def cmd_outbox(context: AppContext, args: argparse.Namespace) -> int:
    states = None if args.all else (OutboxState.PENDING, OutboxState.REJECTED)
    _print_items(context.sync.outbox(states, limit=args.limit), args, "The outbox is empty.")
    return 0


def cmd_errors(context: AppContext, args: argparse.Namespace) -> int:
    _print_items(context.sync.errors(limit=args.limit), args, "No refused changes.")
    return 0


def cmd_resend(context: AppContext, args: argparse.Namespace) -> int:
    entry = _find_entry(context, args.id, (OutboxState.REJECTED,))
    item = context.sync.resend(entry.id, _changes(args.set))
    print(f"Queued again as #{item.seq}: {item.description}. It goes out with the next sync.")
    return 0


def cmd_discard(context: AppContext, args: argparse.Namespace) -> int:
    entry = _find_entry(context, args.id, (OutboxState.REJECTED, OutboxState.PENDING))
    item = context.sync.discard(entry.id)
    print(f"Discarded #{item.seq}: {item.description}. It stays in `helpdesk-cli outbox --all`.")
    return 0


def cmd_conflicts(context: AppContext, args: argparse.Namespace) -> int:
    found = context.sync.conflicts(include_resolved=args.all)
    if args.json:
        print_json([_conflict_json(c) for c in found])
        return 0
    if not found:
        print("No conflicts.")
        return 0
    rows = [
        (
            str(c.id)[:8],
            c.incident_number or EMPTY,
            c.field,
            clip(_shown(c.mine), 24),
            clip(_shown(c.theirs), 24),
            c.winner,
            c.resolution or "open",
        )
        for c in found
    ]
    print(table(("ID", "INCIDENT", "FIELD", "MINE", "THEIRS", "WON", "STATE"), rows))
    return 0


def cmd_resolve(context: AppContext, args: argparse.Namespace) -> int:
    conflict = _find_conflict(context, args.id)
    choice = "restore_mine" if args.restore_mine else "keep_theirs"
    after = context.sync.resolve_conflict(conflict.id, choice)
    kept = _shown(after.mine if choice == "restore_mine" else after.theirs)
    print(
        f"{after.incident_number or 'The incident'}: {after.field} stays {kept!r}; the server hears on the next sync."
    )
    return 0


# --- helpers -----------------------------------------------------------------------------


def _print_progress(progress: SyncProgress) -> None:
    total = f"/{progress.total:,}" if progress.total else ""
    print(f"sync: {progress.stage} {progress.done:,}{total}", file=sys.stderr, flush=True)


def _report_text(report: SyncReport, status: SyncStatus) -> str:
    parts = [f"sent {report.pushed:,}"]
    if report.pushed:
        parts[-1] += f" ({report.applied:,} applied, {report.rejected:,} refused, {report.conflicts:,} in conflict)"
    parts.append(f"received {report.pulled:,} change{'s' if report.pulled != 1 else ''}")
    if report.bootstrapped:
        parts.append("downloaded the full state")
    if report.numbers_assigned:
        parts.append(f"{report.numbers_assigned} incident(s) numbered")
    return f"Synced with {status.server_url}: {', '.join(parts)} in {report.seconds:.1f} s. Now: {status.label}."


def _report_json(report: SyncReport) -> dict[str, Any]:
    return jsonable(report) | {"seconds": report.seconds}


def _status_json(status: SyncStatus) -> dict[str, Any]:
    return jsonable(status) | {"health": status.health.value, "label": status.label}


def _print_items(items: list[OutboxItem], args: argparse.Namespace, empty: str) -> None:
    if args.json:
        print_json([jsonable(item) for item in items])
        return
    if not items:
        print(empty)
        return
    rows = [
        (
            f"#{i.seq}",
            local_time(i.created_at),
            i.state.value,
            clip(i.description, 50),
            clip(f"{i.error_code}: {i.error_reason}" if i.error_code else i.error_reason, 60),
        )
        for i in items
    ]
    print(table(("ID", "MADE", "STATE", "CHANGE", "REASON"), rows))


def _find_entry(context: AppContext, ref: str, states: tuple[OutboxState, ...]) -> OutboxItem:
    """``#12`` / ``12`` (the number `outbox` shows) or the entry's id (a unique prefix is enough)."""
    text = ref.strip().lstrip("#")
    items = context.sync.outbox(states, limit=100_000)
    if text.isdigit():
        matches = [i for i in items if i.seq == int(text)]
    else:
        matches = [i for i in items if str(i.id).startswith(text.lower())]
    if len(matches) != 1:
        wanted = " or ".join(s.value for s in states)
        raise NotFoundError(f"No single {wanted} outbox entry {ref!r}; see `helpdesk-cli outbox`.")
    return matches[0]


def _find_conflict(context: AppContext, ref: str) -> ConflictView:
    text = ref.strip().lower()
    matches = [c for c in context.sync.conflicts() if str(c.id).startswith(text)]
    if len(matches) != 1:
        raise NotFoundError(f"No single open conflict {ref!r}; see `helpdesk-cli conflicts`.")
    return matches[0]


def _changes(pairs: list[str] | None) -> dict[str, Any] | None:
    """``--set impact=2 --set title="New title"``: JSON values where they parse, text otherwise."""
    if not pairs:
        return None
    changes: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise ValidationError(f"--set takes FIELD=VALUE, not {pair!r}.")
        try:
            changes[key.strip()] = json.loads(raw)
        except ValueError:
            changes[key.strip()] = raw
    return changes


def _conflict_json(conflict: ConflictView) -> dict[str, Any]:
    return jsonable(conflict)


def _shown(value: Any) -> str:
    if isinstance(value, uuid.UUID):
        return str(value)
    return EMPTY if value is None else str(value)
