"""helpdesk-server: serve the API, manage users and groups.

Exit status: 0 done; 1 an unexpected failure; 2 refused (usage, or a rule such as an unknown user);
3 the database cannot be opened or migrated.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict

from sqlalchemy.exc import SQLAlchemyError

from central_server.context import ServerContext, open_server
from central_server.db.migrate import SchemaTooNewError
from central_server.domain.enums import Role
from central_server.services import users
from central_server.settings import (
    ENV_DATA_DIR,
    ENV_DATABASE_URL,
    settings_from_environment,
)

PROG = "helpdesk-server"
ENV_PASSWORD = "HELPDESK_PASSWORD"
EXIT_OK, EXIT_UNEXPECTED, EXIT_REFUSED, EXIT_DATABASE = 0, 1, 2, 3

Handler = Callable[[ServerContext, argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="The help desk's central sync server.")
    parser.add_argument("--data-dir", help="where the SQLite database and the secret live (HELPDESK_SERVER_DATA_DIR)")
    parser.add_argument("--database-url", help="postgresql+psycopg://user@host/db (default: SQLite in the data dir)")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    serve.add_argument(
        "--workers", type=_positive_int, default=1, help="server processes on this port (default 1; about one per core)"
    )
    serve.set_defaults(handler=_serve)

    user = commands.add_parser("user", help="manage users").add_subparsers(dest="user_command", required=True)
    add = user.add_parser("add", help=f"add a user; the password comes from stdin or {ENV_PASSWORD}")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=[role.value for role in Role])
    add.add_argument("--group", action="append", default=[], help="a group to join (made if missing); repeatable")
    add.add_argument("--name", help="full name (default: the username)")
    add.add_argument("--email")
    add.set_defaults(handler=_user_add)
    listing = user.add_parser("list", help="list users")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_user_list)
    disable = user.add_parser("disable", help="disable a user and revoke their sessions")
    disable.add_argument("username")
    disable.set_defaults(handler=_user_disable)
    passwd = user.add_parser("passwd", help=f"set a password from stdin or {ENV_PASSWORD}")
    passwd.add_argument("username")
    passwd.set_defaults(handler=_user_passwd)

    group = commands.add_parser("group", help="manage groups").add_subparsers(dest="group_command", required=True)
    group_add = group.add_parser("add", help="add a group")
    group_add.add_argument("name")
    group_add.add_argument("--description")
    group_add.set_defaults(handler=_group_add)
    members = group.add_parser("members", help="add users to a group")
    members.add_argument("group")
    members.add_argument("usernames", nargs="+", metavar="USER")
    members.set_defaults(handler=_group_members)
    return parser


def _positive_int(raw: str) -> int:
    value = int(raw)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def read_password(prompt: str = "Password: ") -> str:
    """HELPDESK_PASSWORD, else a prompt on a terminal, else the first line of stdin."""
    from_env = os.environ.get(ENV_PASSWORD)
    if from_env:
        return from_env
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if getpass.getpass("Again: ") != first:
            raise users.AccountError("The two passwords differ.")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _serve(ctx: ServerContext, args: argparse.Namespace) -> int:
    import uvicorn

    from central_server.app import create_app
    from central_server.http_protocol import NoDelayHTTPProtocol

    if args.workers == 1:
        app = create_app(ctx.settings, context=ctx)
        uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, http=NoDelayHTTPProtocol)
        return EXIT_OK
    # Each worker process builds its own context from the environment: the database is already migrated.
    os.environ[ENV_DATA_DIR] = str(ctx.settings.data_dir)
    os.environ[ENV_DATABASE_URL] = ctx.settings.database_url
    ctx.close()
    uvicorn.run(
        "central_server.app:app_from_environment",
        factory=True,
        workers=args.workers,
        http=NoDelayHTTPProtocol,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
    )
    return EXIT_OK


def _user_add(ctx: ServerContext, args: argparse.Namespace) -> int:
    password = read_password()
    for group in args.group:
        _, created = users.add_group(ctx, group)
        if created:
            print(f"created group {group}")
    users.add_user(
        ctx, args.username, role=args.role, password=password, name=args.name, email=args.email, groups=args.group
    )
    print(f"added {args.role} {args.username}")
    return EXIT_OK


def _user_list(ctx: ServerContext, args: argparse.Namespace) -> int:
    rows = users.list_users(ctx)
    if args.json:
        print(json.dumps([asdict(row) | {"id": str(row.id)} for row in rows], indent=2))
        return EXIT_OK
    for row in rows:
        state = "active" if row.is_active else "disabled"
        print(f"{row.username:<20} {row.role:<11} {state:<9} {row.name} [{', '.join(row.groups)}]")
    return EXIT_OK


def _user_disable(ctx: ServerContext, args: argparse.Namespace) -> int:
    users.disable_user(ctx, args.username)
    print(f"disabled {args.username}")
    return EXIT_OK


def _user_passwd(ctx: ServerContext, args: argparse.Namespace) -> int:
    users.set_password(ctx, args.username, read_password("New password: "))
    print(f"password set for {args.username}")
    return EXIT_OK


def _group_add(ctx: ServerContext, args: argparse.Namespace) -> int:
    _, created = users.add_group(ctx, args.name, args.description)
    print(f"{'added' if created else 'kept existing'} group {args.name}")
    return EXIT_OK


def _group_members(ctx: ServerContext, args: argparse.Namespace) -> int:
    added = users.add_members(ctx, args.group, args.usernames)
    print(f"added to {args.group}: {', '.join(added) if added else 'nobody new'}")
    return EXIT_OK


def _fail(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help (0) and usage errors (2), already printed
        return stop.code if isinstance(stop.code, int) else EXIT_REFUSED
    try:
        ctx = open_server(settings_from_environment(args.data_dir, args.database_url))
    except (SQLAlchemyError, SchemaTooNewError, OSError) as error:
        _fail(f"cannot open the database: {error}")
        return EXIT_DATABASE
    handler: Handler = args.handler
    try:
        return handler(ctx, args)
    except users.AccountError as error:
        _fail(str(error))
        return EXIT_REFUSED
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        _fail(f"unexpected failure: {type(error).__name__}: {error}")
        return EXIT_UNEXPECTED
    finally:
        ctx.close()


if __name__ == "__main__":
    sys.exit(main())
