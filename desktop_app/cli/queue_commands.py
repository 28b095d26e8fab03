"""`list` with the queue's filters, views and sort, and `search QUERY` (the search box's syntax)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from desktop_app.cli.output import incident_table, print_json, summary_json
from desktop_app.context import AppContext
from desktop_app.domain.enums import Channel, Priority, Status
from desktop_app.domain.errors import ValidationError
from desktop_app.domain.queue_filter import (
    BUILTIN_VIEWS,
    OPEN_STATUSES,
    SORT_COLUMNS,
    QueueQuery,
    QueueSort,
    builtin_view,
)

NAMED_FIELDS = (("group", "group"), ("assignee", "assignee"), ("category", "category"))


def add_list_options(listing: argparse.ArgumentParser) -> None:
    """The filters `list` shares with the GUI's filter bar; ``--view`` starts from a view."""
    views = ", ".join(view.key for view in BUILTIN_VIEWS)
    listing.add_argument("--view", metavar="NAME", help=f"a built-in view ({views}) or one you saved")
    listing.add_argument("--status", action="append", metavar="STATUS", help="open, or a status; repeat for several")
    listing.add_argument("--priority", action="append", metavar="P1..P5", help="repeat for several")
    listing.add_argument("--channel", action="append", choices=[c.value for c in Channel])
    listing.add_argument("--group", metavar="NAME")
    listing.add_argument("--assignee", metavar="NAME", help="an agent's name, me, or none (unassigned)")
    listing.add_argument("--reporter", metavar="TEXT", help="words of the reporter's name or e-mail")
    listing.add_argument("--category", metavar="PATH", help='like "Network" (includes what is under it)')
    for which in ("created", "updated"):
        listing.add_argument(f"--{which}-from", metavar="YYYY-MM-DD", type=_day, help=f"{which} on or after")
        listing.add_argument(f"--{which}-to", metavar="YYYY-MM-DD", type=_day, help=f"{which} before")
    drill = listing.add_mutually_exclusive_group()
    drill.add_argument("--drill", dest="drill", action="store_true", default=None, help="only drills")
    drill.add_argument("--no-drill", dest="drill", action="store_false", help="no drills")
    listing.add_argument(
        "--sort", metavar="COLUMN[:asc|desc]", help=f"one of {', '.join(SORT_COLUMNS)} (default: created:desc)"
    )


def add_search_parser(commands: argparse._SubParsersAction, json_flag) -> None:
    search = commands.add_parser(
        "search",
        help="full-text search with the queue's syntax",
        description='Words, "a phrase", prefix*, and field:value terms (status:open priority:P1 reporter:smith '
        "title: description: notes: assignee: group: category: channel: number: drill:). Results are ranked by "
        "relevance when there are at most 1,000 hits, otherwise most recent first; with --sort (or with field "
        "filters) they follow the column.",
    )
    search.add_argument("query", nargs="+", help="what to look for (quote it for the shell)")
    search.add_argument("--limit", type=int, default=50, metavar="N", help="at most N rows (default 50)")
    search.add_argument("--sort", metavar="COLUMN[:asc|desc]", help="the matches in a column's order, not ranked")
    json_flag(search)
    search.set_defaults(handler=cmd_search)


def cmd_list(context: AppContext, args: argparse.Namespace) -> int:
    query = list_query(context, args)
    counts, rows = context.queue.first_page(query, args.limit)
    summaries = [row.summary for row in rows]
    if args.json:
        print_json([summary_json(s) for s in summaries])
        return 0
    if not summaries:
        print("No incidents match." if counts.total else "No incidents yet.")
        return 0
    print(incident_table(summaries))
    if counts.matches > len(summaries):
        print(f"\n{len(summaries):,} of {counts.matches:,} matching incidents ({counts.total:,} in all); --limit N.")
    return 0


def cmd_search(context: AppContext, args: argparse.Namespace) -> int:
    query = QueueQuery(search=" ".join(args.query), sort=_sort(args.sort), by_relevance=not args.sort)
    counts, rows = context.queue.first_page(query, args.limit)
    summaries = [row.summary for row in rows]
    if args.json:
        print_json(
            {
                "matches": counts.matches,
                "total": counts.total,
                "order": counts.search_mode or "sorted",
                "note": counts.note,
                "incidents": [summary_json(s) for s in summaries],
            }
        )
        return 0
    if not summaries:
        print("Nothing matches.")
        return 0
    print(incident_table(summaries))
    print(f"\n{counts.matches:,} match ({counts.total:,} incidents); {counts.note or 'sorted'}.")
    return 0


def list_query(context: AppContext, args: argparse.Namespace) -> QueueQuery:
    query = QueueQuery()
    if args.view:
        view = builtin_view(args.view)
        saved = None if view else context.saved_views.find(args.view)
        if view is None and saved is None:
            names = [v.key for v in BUILTIN_VIEWS] + [v.name for v in context.saved_views.list()]
            raise ValidationError(f"There is no view {args.view!r}. Views: {', '.join(names)}.")
        query = view.query if view else saved.query  # type: ignore[union-attr]
        if query.breaching_soon:  # no background SLA check runs for the CLI: bring the deadlines up to date
            context.sla.refresh_all_deadlines()
    if getattr(args, "open", False):
        query = query.with_changes(statuses=OPEN_STATUSES)
    if args.status:
        statuses: set[Status] = set()
        for text in args.status:
            statuses |= set(OPEN_STATUSES) if text.lower() == "open" else {_enum(Status, text, "status")}
        query = query.with_changes(statuses=tuple(s for s in Status if s in statuses))
    if args.priority:
        wanted = {
            _enum(Priority, p.upper() if p.upper().startswith("P") else f"P{p}", "priority") for p in args.priority
        }
        query = query.with_changes(priorities=tuple(p for p in Priority if p in wanted))
    if args.channel:
        query = query.with_changes(channels=tuple(Channel(c) for c in args.channel))
    terms = [query.search] if query.search else []
    for option, field in NAMED_FIELDS:
        value = getattr(args, option)
        if value:
            terms.append(f'{field}:"{value}"')
    changes: dict[str, object] = {"search": " ".join(terms)}
    if args.reporter:
        changes["reporter"] = args.reporter
    for name in ("created_from", "created_to", "updated_from", "updated_to"):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    if args.drill is not None:
        changes["drill"] = args.drill
    if args.sort:
        changes["sort"] = _sort(args.sort)
    return query.with_changes(**changes)


def _sort(text: str | None) -> QueueSort:
    if not text:
        return QueueSort()
    column, _, direction = text.strip().lower().partition(":")
    column = {"age": "created", "newest": "created"}.get(column, column)
    if column not in SORT_COLUMNS:
        raise ValidationError(f"Cannot sort by {column!r}; use one of {', '.join(SORT_COLUMNS)}.")
    if direction not in ("", "asc", "desc"):
        raise ValidationError(f"Sort direction {direction!r}: use asc or desc.")
    descending = direction == "desc" if direction else column in ("created", "updated")
    return QueueSort(column, descending)


def _enum(kind, text: str, label: str):
    try:
        return kind(text.lower().replace("-", "_") if kind is Status else text)
    except ValueError:
        choices = ", ".join(v.value for v in kind)
        raise ValidationError(f"{text!r} is not a {label}; use one of: {choices}.") from None


def _day(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-26") from None
