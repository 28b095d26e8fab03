"""Category administration from the command line: rename, move, deactivate, reactivate (admins)."""

from __future__ import annotations

import argparse

from desktop_app.cli.output import print_json
from desktop_app.context import AppContext
from desktop_app.domain.dtos import CategoryNode, Result


def cmd_category(context: AppContext, args: argparse.Namespace) -> int:
    categories = context.categories
    node = categories.find_any(args.path)
    action = args.category_command
    result: Result[CategoryNode]
    if action == "rename":
        result = categories.rename(node.id, args.name)
    elif action == "move":
        parent = None if args.top else categories.resolve_path(args.to).id
        result = categories.move(node.id, parent)
    else:
        result = categories.set_active(node.id, action == "reactivate")
    changed = result.value
    moved = len({c.entity_id for c in result.changes.changes if c.entity == "category"})
    if args.json:
        print_json({"category": changed, "changed": moved})
    else:
        state = "" if changed.is_active else " (deactivated)"
        print(f"{changed.path}{state}: {moved} categor{'y' if moved == 1 else 'ies'} changed; syncs next round.")
    return 0


def add_category_parser(commands: argparse._SubParsersAction, json_flag) -> None:
    category = commands.add_parser("category", help="rename, move, deactivate or reactivate a category (admins)")
    actions = category.add_subparsers(dest="category_command", required=True, metavar="ACTION")
    rename = actions.add_parser("rename", help="give a category a new name (its subtree's paths follow)")
    rename.add_argument("path", metavar="PATH", help="the category, like 'Network > VPN'")
    rename.add_argument("name", metavar="NAME", help="the new name (no '>' or '/')")
    move = actions.add_parser("move", help="put a category (and everything under it) under another parent")
    move.add_argument("path", metavar="PATH")
    where = move.add_mutually_exclusive_group(required=True)
    where.add_argument("--to", metavar="PARENT", help="the new parent's path")
    where.add_argument("--top", action="store_true", help="to the top level")
    deactivate = actions.add_parser("deactivate", help="retire a category and everything under it")
    deactivate.add_argument("path", metavar="PATH")
    reactivate = actions.add_parser("reactivate", help="bring a deactivated category (and its subtree) back")
    reactivate.add_argument("path", metavar="PATH")
    for each in (rename, move, deactivate, reactivate):
        json_flag(each)
        each.set_defaults(handler=cmd_category)
