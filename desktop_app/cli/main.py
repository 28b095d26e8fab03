"""helpdesk-cli's entry point: parse, open the data directory, run one command, turn failures into exit codes.

Exit status: 0 done; 1 an unexpected failure (traceback only with ``--debug``); 2 refused, either a
usage error or a rule of the help desk; 3 a database problem (corrupt file, newer schema, disk full); 4 the
server could not be reached or answered something this client cannot use (every local change stays in the outbox).
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence

from desktop_app.cli.parser import PROG, build_parser
from desktop_app.context import open_context
from desktop_app.domain.errors import DatabaseError, HelpdeskError
from desktop_app.domain.sync_errors import CursorExpired, ProtocolError, ServerUnreachable

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_REFUSED = 2
EXIT_DATABASE = 3
EXIT_SERVER = 4
EXIT_INTERRUPTED = 130


def _fail(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse: --help (0) and usage errors (2), already printed
        return stop.code if isinstance(stop.code, int) else EXIT_REFUSED
    try:
        context = open_context(args.data_dir, initialise=args.initialise)
        try:
            return args.handler(context, args)
        finally:
            context.close()
    except (ServerUnreachable, ProtocolError, CursorExpired) as error:
        _fail(error.message)
        return EXIT_SERVER
    except HelpdeskError as error:
        _fail(error.message)
        return EXIT_DATABASE if isinstance(error, DatabaseError) else EXIT_REFUSED
    except KeyboardInterrupt:
        _fail("interrupted: what was saved before stays saved; the change under way was not made.")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`helpdesk-cli list | head`): silence the flush at exit too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_UNEXPECTED
    except Exception as error:
        if args.debug:
            traceback.print_exc()
        hint = "" if args.debug else " (run with --debug for the traceback)"
        _fail(f"unexpected failure: {type(error).__name__}: {error}{hint}")
        return EXIT_UNEXPECTED


if __name__ == "__main__":
    sys.exit(main())
