"""The command line's grammar: global options, then one command; each command names its handler."""

from __future__ import annotations

import argparse

from desktop_app.cli import attachment_commands as attachments
from desktop_app.cli import directory_commands as directory
from desktop_app.cli import incident_commands as incidents
from desktop_app.cli import mail_commands as mail
from desktop_app.cli import queue_commands as queue
from desktop_app.cli import reply_commands as reply
from desktop_app.cli import setup_commands as setup
from desktop_app.cli import sla_commands as sla
from desktop_app.cli import sync_commands as sync
from desktop_app.cli import work_commands as work
from desktop_app.cli.category_commands import add_category_parser
from desktop_app.cli.values import (
    HAND_WRITTEN_NOTE_KINDS,
    channel_value,
    count_value,
    level_value,
    moment_value,
    note_kind_value,
    positive_value,
    priority_value,
    status_value,
)
from desktop_app.domain.enums import Channel, NoteKind, Status
from desktop_app.paths import ENV_DATA_DIR

PROG = "helpdesk-cli"
NUMBER_HELP = "incident number: INC-000123, inc123 or 123"
SEED_HELP = (
    "Add demo data: reporters, a few agents and groups, and incidents spread over the last two years. "
    "Demo rows are local-only: they write no outbox entries (they never sync) and no audit history."
)


def _json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def _incident_fields(parser: argparse.ArgumentParser, *, creating: bool) -> None:
    """The field options `create` and `update` share."""
    parser.add_argument("--title", help="short summary (create: defaults to the description's first line)")
    parser.add_argument(
        "--description", required=creating, help="what the caller reports; '-' reads it from standard input"
    )
    parser.add_argument(
        "--reporter",
        metavar="NAME_OR_EMAIL",
        help="who reported it; someone not in the directory yet is added (a name, or an e-mail address)",
    )
    parser.add_argument("--reporter-email", metavar="EMAIL", help="e-mail of a reporter to add (or to look up)")
    parser.add_argument("--reporter-phone", metavar="PHONE", help="phone number of a reporter to add")
    parser.add_argument("--category", metavar="PATH", help="category path, like 'Network > Connectivity'")
    default_level = 3 if creating else None
    level_help = "1 (most severe) to 3" + (" (default 3)" if creating else "")
    parser.add_argument("--impact", type=level_value, default=default_level, metavar="1..3", help=level_help)
    parser.add_argument("--urgency", type=level_value, default=default_level, metavar="1..3", help=level_help)
    parser.add_argument(
        "--channel",
        type=channel_value,
        metavar="CHANNEL",
        help=f"how it came in: {', '.join(c.value for c in Channel)}" + (" (default: settings)" if creating else ""),
    )
    parser.add_argument(
        "--occurred", type=moment_value, metavar="ISO8601", help="when it started (local time if no zone)"
    )
    parser.add_argument("--priority", type=priority_value, metavar="P1..P5", help="override the matrix priority")
    parser.add_argument("--priority-reason", metavar="TEXT", help="why the priority is overridden (required with it)")


def _add_incident_commands(commands: argparse._SubParsersAction) -> None:
    create = commands.add_parser("create", help="log a new incident")
    _incident_fields(create, creating=True)
    create.add_argument("--group", help="assignment group")
    create.add_argument("--assignee", metavar="AGENT", help="assignee: name or username (makes it Assigned)")
    create.add_argument("--drill", action="store_true", help="mark as a drill (exercise), not a real incident")
    _json_flag(create)
    create.set_defaults(handler=incidents.cmd_create)

    update = commands.add_parser("update", help="change fields of an incident")
    update.add_argument("number", help=NUMBER_HELP)
    _incident_fields(update, creating=False)
    update.add_argument("--clear-priority", action="store_true", help="drop a priority override; use the matrix")
    update.add_argument("--drill", action=argparse.BooleanOptionalAction, help="mark or unmark as a drill")
    update.add_argument("--workaround", metavar="TEXT")
    update.add_argument("--resolution-code", metavar="CODE")
    update.add_argument("--root-cause", metavar="TEXT")
    update.add_argument("--resolution-steps", metavar="TEXT")
    _json_flag(update)
    update.set_defaults(handler=incidents.cmd_update)

    listing = commands.add_parser("list", help="incidents, newest first, filtered like the queue")
    listing.add_argument("--limit", type=positive_value, default=50, metavar="N", help="at most N rows (default 50)")
    listing.add_argument("--open", action="store_true", help="only incidents that are not resolved, closed or canceled")
    queue.add_list_options(listing)
    _json_flag(listing)
    listing.set_defaults(handler=queue.cmd_list)
    queue.add_search_parser(commands, _json_flag)

    show = commands.add_parser("show", help="one incident with its notes and history")
    show.add_argument("number", help=NUMBER_HELP)
    _json_flag(show)
    show.set_defaults(handler=incidents.cmd_show)

    assign = commands.add_parser("assign", help="set the group and assignee")
    assign.add_argument("number", help=NUMBER_HELP)
    assign.add_argument("--group", help="assignment group (an assignee outside it is dropped)")
    who = assign.add_mutually_exclusive_group()
    who.add_argument("--to", metavar="AGENT", help="assignee: name or username")
    who.add_argument("--unassign", action="store_true", help="clear the assignee (and the group unless --group)")
    _json_flag(assign)
    assign.set_defaults(handler=incidents.cmd_assign)

    status = commands.add_parser(
        "status",
        help="move an incident through its workflow; with no arguments: the sync status",
        description="`status NUMBER STATUS` moves an incident; `status` alone shows the sync status "
        "(pending changes, errors, conflicts, last sync).",
    )
    status.add_argument("number", nargs="?", help=NUMBER_HELP)
    status.add_argument(
        "status",
        nargs="?",
        type=status_value,
        metavar="STATUS",
        help=", ".join(s.value.replace("_", "-") for s in Status),
    )
    status.add_argument(
        "--reason",
        help="on hold: caller, vendor, change or problem (awaiting-caller etc. also work); reopening: why",
    )
    status.add_argument("--resolution-code", metavar="CODE", help="needed to resolve and close")
    status.add_argument("--root-cause", metavar="TEXT", help="needed to close")
    status.add_argument("--cause-category", metavar="CATEGORY", help="needed to close (see resolution-codes)")
    told = status.add_mutually_exclusive_group()
    told.add_argument("--informed", action="store_true", default=None, help="closing: the reporter was told")
    told.add_argument("--not-informed", metavar="WHY", help="closing: the reporter was not told, and why")
    status.add_argument("--steps", "--resolution-steps", dest="steps", metavar="TEXT", help="needed to resolve")
    _json_flag(status)
    status.set_defaults(handler=sync.cmd_status_or_move)

    note = commands.add_parser("note", help="add a note to an incident")
    note.add_argument("number", help=NUMBER_HELP)
    note.add_argument("text", help="the note; '-' reads it from standard input")
    note.add_argument(
        "--kind",
        type=note_kind_value,
        default=NoteKind.WORKLOG,
        metavar="KIND",
        help=f"{', '.join(HAND_WRITTEN_NOTE_KINDS)} (default worklog)",
    )
    _json_flag(note)
    note.set_defaults(handler=incidents.cmd_note)
    work.add_worklog_options(note)


def _add_directory_commands(commands: argparse._SubParsersAction) -> None:
    group = commands.add_parser("group", aliases=["groups"], help="assignment groups")
    group_commands = group.add_subparsers(dest="group_command", required=True, metavar="ACTION")
    group_add = group_commands.add_parser("add", help="create a group")
    group_add.add_argument("name")
    group_add.add_argument("--description")
    _json_flag(group_add)
    group_add.set_defaults(handler=directory.cmd_group_add)
    group_list = group_commands.add_parser("list", help="every group with its member count")
    _json_flag(group_list)
    group_list.set_defaults(handler=directory.cmd_group_list)
    members = group_commands.add_parser("members", help="add agents to a group, then list its members")
    members.add_argument("group")
    members.add_argument("agents", nargs="*", metavar="AGENT", help="name or username of each agent to add")
    _json_flag(members)
    members.set_defaults(handler=directory.cmd_group_members)

    agent = commands.add_parser("agent", aliases=["agents"], help="IT staff who work incidents")
    agent_commands = agent.add_subparsers(dest="agent_command", required=True, metavar="ACTION")
    agent_add = agent_commands.add_parser("add", help="add an agent")
    agent_add.add_argument("name")
    agent_add.add_argument("--username", required=True)
    agent_add.add_argument("--email")
    agent_add.add_argument(
        "--group", action="extend", nargs="+", default=[], metavar="GROUP", help="groups to join (one or more)"
    )
    _json_flag(agent_add)
    agent_add.set_defaults(handler=directory.cmd_agent_add)
    agent_list = agent_commands.add_parser("list", help="every active agent")
    _json_flag(agent_list)
    agent_list.set_defaults(handler=directory.cmd_agent_list)

    whoami = commands.add_parser("whoami", help="the local agent of this client")
    _json_flag(whoami)
    whoami.set_defaults(handler=directory.cmd_whoami)

    categories = commands.add_parser("categories", help="the category tree")
    _json_flag(categories)
    categories.add_argument("--all", action="store_true", help="deactivated categories too")
    categories.set_defaults(handler=directory.cmd_categories)
    add_category_parser(commands, _json_flag)

    reporter = commands.add_parser("reporter", aliases=["reporters"], help="the reporter (caller) directory")
    reporter_commands = reporter.add_subparsers(dest="reporter_command", required=True, metavar="ACTION")
    search = reporter_commands.add_parser("search", help="find reporters by any part of name, e-mail or phone")
    search.add_argument("text")
    search.add_argument("--limit", type=positive_value, default=10, metavar="N", help="at most N (default 10)")
    _json_flag(search)
    search.set_defaults(handler=directory.cmd_reporter_search)
    reporter_add = reporter_commands.add_parser("add", help="add a reporter to the directory")
    reporter_add.add_argument("name")
    reporter_add.add_argument("--email")
    reporter_add.add_argument("--phone")
    reporter_add.add_argument("--department")
    reporter_add.add_argument("--location")
    reporter_add.add_argument("--vip", action="store_true", help="a VIP caller")
    _json_flag(reporter_add)
    reporter_add.set_defaults(handler=directory.cmd_reporter_add)


def _add_setup_commands(commands: argparse._SubParsersAction) -> None:
    init = commands.add_parser("init", help="create or check the data directory and report what it holds")
    _json_flag(init)
    # `init` runs the (idempotent) first-run setup itself, to report what it added.
    init.set_defaults(handler=setup.cmd_init, initialise=False)

    seed = commands.add_parser("seed-demo", help="add bulk demo data (local-only)", description=SEED_HELP)
    seed.add_argument(
        "--incidents", type=count_value, default=1000, metavar="N", help="incidents to add (default 1000)"
    )
    seed.add_argument("--reporters", type=count_value, default=200, metavar="M", help="reporters to add (default 200)")
    seed.add_argument("--seed", type=int, metavar="S", help="random seed, to reproduce a data set")
    seed.add_argument("--chunk-size", type=positive_value, default=20_000, metavar="ROWS", help="rows per transaction")
    seed.add_argument("--quiet", action="store_true", help="no progress lines on standard error")
    _json_flag(seed)
    seed.set_defaults(handler=setup.cmd_seed_demo)


def _add_sync_commands(commands: argparse._SubParsersAction) -> None:
    login = commands.add_parser(
        "login",
        help="connect to a central server (password from $HELPDESK_PASSWORD or standard input)",
        description="Log in to a central server. The refresh token is kept in the OS keyring, never in a file.",
    )
    login.add_argument("--server", required=True, metavar="URL", help="the server, like https://helpdesk.example.org")
    login.add_argument("--user", required=True, metavar="NAME", help="your user name on the server")
    _json_flag(login)
    login.set_defaults(handler=sync.cmd_login)

    logout = commands.add_parser("logout", help="end the session with the server (the outbox is kept)")
    logout.set_defaults(handler=sync.cmd_logout)

    run = commands.add_parser("sync", help="send the outbox and fetch the team's changes, once")
    run.add_argument("--quiet", action="store_true", help="no progress lines on standard error")
    _json_flag(run)
    run.set_defaults(handler=sync.cmd_sync)

    outbox = commands.add_parser("outbox", help="changes waiting for (or refused by) the server")
    outbox.add_argument("--all", action="store_true", help="include applied, in-conflict and discarded ones")
    outbox.add_argument("--limit", type=positive_value, default=200, metavar="N", help="the newest N (default 200)")
    _json_flag(outbox)
    outbox.set_defaults(handler=sync.cmd_outbox)

    errors = commands.add_parser("errors", help="changes the server refused, with the reason")
    errors.add_argument("--limit", type=positive_value, default=200, metavar="N", help="the newest N (default 200)")
    _json_flag(errors)
    errors.set_defaults(handler=sync.cmd_errors)

    resend = commands.add_parser("resend", help="send a refused change again, as a new change")
    resend.add_argument("id", help="#N from `errors`, or the entry's id")
    resend.add_argument(
        "--set", action="append", metavar="FIELD=VALUE", help="fix a field of the change first (repeatable)"
    )
    resend.set_defaults(handler=sync.cmd_resend)

    discard = commands.add_parser("discard", help="give up a refused (or not yet sent) change; kept for history")
    discard.add_argument("id", help="#N from `errors` or `outbox`, or the entry's id")
    discard.set_defaults(handler=sync.cmd_discard)

    conflicts = commands.add_parser("conflicts", help="fields you and someone else both changed")
    conflicts.add_argument("--all", action="store_true", help="include resolved ones")
    _json_flag(conflicts)
    conflicts.set_defaults(handler=sync.cmd_conflicts)

    resolve = commands.add_parser(
        "resolve", help="resolve an incident (--code, --notes), or settle a conflict (keep theirs, restore yours)"
    )
    resolve.add_argument("id", help="an incident number, or a conflict's id from `conflicts` (a unique prefix)")
    choice = resolve.add_mutually_exclusive_group()
    choice.add_argument("--keep-theirs", action="store_true", help="keep the value the other side set")
    choice.add_argument("--restore-mine", action="store_true", help="write your value back (a new change)")
    resolve.set_defaults(handler=sync.cmd_resolve)
    work.add_resolve_options(resolve)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="The help desk from the command line: the same data and rules as the desktop app.",
        epilog=(
            "Exit status: 0 done, 1 unexpected failure, 2 refused (usage or a rule), 3 database problem, "
            "4 the server could not be reached or answered wrongly (nothing local was lost)."
        ),
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help=f"data directory (default: ${ENV_DATA_DIR}, else the per-user data directory)",
    )
    parser.add_argument("--debug", action="store_true", help="show the traceback of an unexpected failure")
    parser.set_defaults(initialise=True)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_setup_commands(commands)
    _add_incident_commands(commands)
    attachments.add_parsers(commands, NUMBER_HELP)
    work.add_parsers(commands, NUMBER_HELP)
    reply.add_parsers(commands, NUMBER_HELP)
    mail.add_parsers(commands)
    sla.add_parsers(commands, NUMBER_HELP)
    _add_directory_commands(commands)
    _add_sync_commands(commands)
    return parser
