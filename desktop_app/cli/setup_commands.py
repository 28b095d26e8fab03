"""Setting a data directory up: `init` (idempotent first run) and `seed-demo` (bulk demo data)."""

from __future__ import annotations

import argparse
import sys

from desktop_app.cli.output import print_json
from desktop_app.context import AppContext
from desktop_app.services.seed_service import SeedPlan, SeedProgress, SeedService


def _file_size(context: AppContext) -> int:
    database = context.paths.database
    wal = database.with_name(database.name + "-wal")
    return sum(path.stat().st_size for path in (database, wal) if path.exists())


def cmd_init(context: AppContext, args: argparse.Namespace) -> int:
    """The context was opened without initialising, so the report says what this run added."""
    report = context.bootstrap.initialise().value
    me = context.directory.me()
    summary = {
        "data_dir": str(context.paths.data_dir),
        "database": str(context.paths.database),
        "settings_file": str(context.paths.settings_file),
        "created": report.created_device,
        "local_agent": {"name": me.name, "username": me.username},
        "categories": len(context.categories.tree()),
        "categories_added": report.categories_added,
        "groups": len(context.directory.groups()),
        "groups_added": report.groups_added,
        "agents": len(context.directory.agents()),
        "reporters": context.reporters.count(),
        "incidents": context.incidents.count(),
        "open_incidents": context.incidents.count(open_only=True),
    }
    if args.json:
        print_json(summary)
        return 0
    if report.created_device:
        print(f"Initialised a new help desk in {summary['data_dir']}")
    else:
        print(f"The help desk in {summary['data_dir']} was already initialised.")
    print(
        f"  Database     {summary['database']}\n"
        f"  Local agent  {me.name} ({me.username})\n"
        f"  Categories   {summary['categories']} ({report.categories_added} added now)\n"
        f"  Groups       {summary['groups']} ({report.groups_added} added now)\n"
        f"  Agents       {summary['agents']}\n"
        f"  Reporters    {summary['reporters']:,}\n"
        f"  Incidents    {summary['incidents']:,} ({summary['open_incidents']:,} open)"
    )
    return 0


def _print_progress(progress: SeedProgress) -> None:
    share = progress.done / progress.total if progress.total else 1
    print(
        f"seed-demo: {progress.stage} {progress.done:,}/{progress.total:,} ({share:.0%}), "
        f"{progress.elapsed_seconds:.1f} s",
        file=sys.stderr,
        flush=True,
    )


def cmd_seed_demo(context: AppContext, args: argparse.Namespace) -> int:
    seeder = SeedService(context.engine, context.incidents.matrix)
    plan = SeedPlan(incidents=args.incidents, reporters=args.reporters, seed=args.seed, chunk_size=args.chunk_size)
    report = seeder.seed(plan, progress=None if args.quiet else _print_progress)
    summary = {
        "seed": report.seed,
        "incidents_added": report.incidents_added,
        "reporters_added": report.reporters_added,
        "agents_added": report.agents_added,
        "groups_added": report.groups_added,
        "first_number": report.first_number,
        "last_number": report.last_number,
        "elapsed_seconds": report.elapsed_seconds,
        "incidents_total": context.incidents.count(),
        "reporters_total": context.reporters.count(),
        "database": str(context.paths.database),
        "database_bytes": _file_size(context),
    }
    if args.json:
        print_json(summary)
        return 0
    numbers = ""
    if report.first_number is not None:
        numbers = f" (INC-{report.first_number:06d} to INC-{report.last_number:06d})"
    print(
        f"Added {report.incidents_added:,} demo incidents{numbers}, {report.reporters_added:,} reporters, "
        f"{report.agents_added} agents and {report.groups_added} groups in {report.elapsed_seconds:.1f} s "
        f"(seed {report.seed}).\n"
        f"The database now holds {summary['incidents_total']:,} incidents and {summary['reporters_total']:,} "
        f"reporters; {summary['database_bytes'] / 1e6:,.1f} MB."
    )
    return 0
