"""Attachments from the command line: attach files, list them, export one, over AttachmentService."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop_app.cli.output import jsonable, local_time, print_json, table
from desktop_app.cli.sync_commands import with_session
from desktop_app.context import AppContext
from desktop_app.domain.attachments import AttachmentInfo, human_size
from desktop_app.domain.errors import HelpdeskError, ValidationError

EXIT_REFUSED = 2


def add_parsers(commands: argparse._SubParsersAction, number_help: str) -> None:
    attach = commands.add_parser(
        "attach",
        help="attach files to an incident",
        description="Each file is checked (size, type, image sanity, name) and stored on its own; a refused "
        "file is named with the rule it broke and the others are still attached (exit 2 if any was refused).",
    )
    attach.add_argument("number", help=number_help)
    attach.add_argument("files", nargs="+", type=Path, metavar="FILE")
    attach.add_argument("--caption", help="a caption for every file attached")
    attach.add_argument("--name", help="display name (only with one file; default: the file's name)")
    attach.add_argument(
        "--strip-metadata", action="store_true", help="images: drop EXIF/GPS, turning the pixels upright first"
    )
    attach.add_argument(
        "--budget-kb", type=int, metavar="KB", help="photos larger than this are re-encoded as JPEG to fit"
    )
    attach.add_argument("--json", action="store_true", help="print JSON instead of text")
    attach.set_defaults(handler=cmd_attach)

    listing = commands.add_parser("attachments", help="the attachments of an incident")
    listing.add_argument("number", help=number_help)
    listing.add_argument("--removed", action="store_true", help="include removed attachments")
    listing.add_argument("--json", action="store_true", help="print JSON instead of text")
    listing.set_defaults(handler=cmd_attachments)

    export = commands.add_parser("export-attachment", help="save an attachment's file somewhere")
    export.add_argument("number", help=number_help)
    export.add_argument("name", help="the attachment's display name (see `attachments NUMBER`)")
    export.add_argument("dest", type=Path, help="a file to write, or a folder to write it into under its name")
    export.set_defaults(handler=cmd_export)


def cmd_attach(context: AppContext, args: argparse.Namespace) -> int:
    detail = context.incidents.get_by_number(args.number)
    if args.name and len(args.files) > 1:
        raise ValidationError("--name applies to a single file; give one FILE or drop --name.")
    attached: list[AttachmentInfo] = []
    refused: list[str] = []
    for path in args.files:
        try:
            attached.append(
                context.attachments.add(
                    detail.id,
                    path,
                    args.name or path.name,
                    caption=args.caption,
                    size_budget=args.budget_kb * 1024 if args.budget_kb else None,
                    strip_metadata=args.strip_metadata,
                )
            )
        except HelpdeskError as error:
            refused.append(error.message)
    if args.json:
        print_json({"attached": [_json(info) for info in attached], "refused": refused})
    else:
        for info in attached:
            print(
                f"Attached {info.display_name} ({human_size(info.size)}, {info.mime_type}) to {detail.display_number}."
            )
        for message in refused:
            print(f"helpdesk-cli: refused: {message}", file=sys.stderr)
    return EXIT_REFUSED if refused else 0


def cmd_attachments(context: AppContext, args: argparse.Namespace) -> int:
    detail = context.incidents.get_by_number(args.number)
    infos = context.attachments.list_for(detail.id, include_removed=args.removed)
    if args.json:
        print_json([_json(info) | {"local": context.attachments.blobs.has(info.sha256)} for info in infos])
        return 0
    if not infos:
        print(f"{detail.display_number} has no attachments.")
        return 0
    rows = (
        (
            info.display_name + (" (removed)" if info.removed_at else ""),
            human_size(info.size),
            info.mime_type,
            local_time(info.created_at),
            info.created_by_name or "-",
            info.caption or "",
        )
        for info in infos
    )
    print(table(("NAME", "SIZE", "TYPE", "ADDED", "BY", "CAPTION"), rows))
    return 0


def cmd_export(context: AppContext, args: argparse.Namespace) -> int:
    info = context.attachments.find(args.number, args.name)
    if context.attachments.blob_path(info.id) is None and context.sync.status().server_url:
        # Synced from another client: its bytes are fetched from the server first.
        with_session(context, lambda: context.sync.download_blob(info.sha256, info.display_name))
    written = context.attachments.export(info.id, args.dest)
    print(f"Saved {info.display_name} to {written}.")
    return 0


def _json(info: AttachmentInfo) -> dict[str, object]:
    return jsonable(info) | {"is_image": info.is_image}
