"""Email files from the command line: import .eml/.msg files or folders, and work the quarantine."""

from __future__ import annotations

import argparse
import sys
import uuid
from pathlib import Path

from desktop_app.cli.output import local_time, print_json, table
from desktop_app.context import AppContext
from desktop_app.domain.errors import NotFoundError, ValidationError
from desktop_app.domain.mail import MEGABYTE, ImportOutcome, ImportResult, count_by_result

EXIT_REFUSED = 2
# The first characters of an entry's id are enough to name it, as with git commits.
ID_PREFIX_MIN = 6


def add_parsers(commands: argparse._SubParsersAction) -> None:
    importer = commands.add_parser(
        "import-email",
        help="turn .eml/.msg files into incidents (replies are threaded)",
        description="Each message is imported in its own transaction: a new incident (channel email), or a "
        "communication note on the incident it answers (by INC number in the subject or by Message-ID). A message "
        "imported before is skipped; one that cannot be read, is over the size limit or carries a refused "
        "attachment is quarantined with the reason, and the import goes on. Exit 2 if any was quarantined.",
    )
    importer.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="email files, or folders (recursive)")
    importer.add_argument("--json", action="store_true", help="print JSON: one object per file, and the counts")
    importer.set_defaults(handler=cmd_import_email)

    quarantine = commands.add_parser("quarantine", help="email messages the import refused, with the reason")
    quarantine.add_argument("action", nargs="?", choices=("list", "retry", "discard"), default="list")
    quarantine.add_argument("entry", nargs="?", metavar="ID", help="the entry's id (its first characters suffice)")
    quarantine.add_argument("--json", action="store_true", help="print JSON instead of text")
    quarantine.set_defaults(handler=cmd_quarantine)


def cmd_import_email(context: AppContext, args: argparse.Namespace) -> int:
    def report(done: int, total: int, outcome: ImportOutcome) -> None:
        if not args.json:
            stream = sys.stderr if outcome.result in (ImportResult.QUARANTINED, ImportResult.FAILED) else sys.stdout
            print(f"[{done}/{total}] {outcome.summary}", file=stream, flush=True)

    outcomes = context.mail.import_paths(args.paths, progress=report)
    counts = count_by_result(outcomes)
    if args.json:
        print_json({"files": [outcome.as_json() for outcome in outcomes], "counts": counts})
    else:
        print(", ".join(f"{count} {name}" for name, count in counts.items() if count) or "No email files found.")
    refused = counts[ImportResult.QUARANTINED.value] + counts[ImportResult.FAILED.value]
    return EXIT_REFUSED if refused or not outcomes else 0


def cmd_quarantine(context: AppContext, args: argparse.Namespace) -> int:
    if args.action == "list":
        entries = context.mail.list_quarantine()
        if args.json:
            print_json(entries)
        elif not entries:
            print("The quarantine is empty.")
        else:
            rows = (
                (str(e.id)[:8], e.original_name, _size(e.size), local_time(e.last_attempt_at), e.reason)
                for e in entries
            )
            print(table(("ID", "FILE", "SIZE", "LAST TRIED", "REASON"), rows))
        return 0
    entry_id = _entry_id(context, args.entry)
    if args.action == "discard":
        context.mail.discard(entry_id)
        print("Discarded: the message and its kept file are gone.")
        return 0
    outcome = context.mail.retry(entry_id)
    if args.json:
        print_json(outcome.as_json())
    else:
        print(outcome.summary)
    return EXIT_REFUSED if outcome.result in (ImportResult.QUARANTINED, ImportResult.FAILED) else 0


def _entry_id(context: AppContext, given: str | None) -> uuid.UUID:
    text = (given or "").strip().lower()
    if len(text) < ID_PREFIX_MIN:
        raise ValidationError(f"Name the entry by its id (at least {ID_PREFIX_MIN} characters; see `quarantine`).")
    matches = [entry.id for entry in context.mail.list_quarantine() if str(entry.id).startswith(text)]
    if not matches:
        raise NotFoundError(f"No quarantined message has an id starting with {text!r}.")
    if len(matches) > 1:
        raise ValidationError(f"{len(matches)} quarantined messages have ids starting with {text!r}; give more.")
    return matches[0]


def _size(size: int) -> str:
    return f"{size / MEGABYTE:.1f} MB" if size >= MEGABYTE / 10 else f"{size:,} B"
