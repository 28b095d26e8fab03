"""The directory from the command line: groups, agents, who am I, the category tree and reporters."""

from __future__ import annotations

import argparse

from desktop_app.cli.output import EMPTY, clip, jsonable, print_json, table
from desktop_app.context import AppContext
from desktop_app.domain.dtos import AgentSummary, ReporterDraft, ReporterSummary


def _agent_json(agent: AgentSummary, group_names: dict) -> dict:
    return jsonable(agent) | {"groups": [group_names[g] for g in agent.group_ids if g in group_names]}


def _group_names(context: AppContext) -> dict:
    return {group.id: group.name for group in context.directory.groups()}


def cmd_group_add(context: AppContext, args: argparse.Namespace) -> int:
    group = context.directory.add_group(args.name, args.description).value
    if args.json:
        print_json(group)
    else:
        print(f"Added group {group.name}.")
    return 0


def cmd_group_list(context: AppContext, args: argparse.Namespace) -> int:
    groups = context.directory.groups()
    members = {group.id: context.directory.agents(group_id=group.id) for group in groups}
    if args.json:
        print_json([jsonable(g) | {"members": [a.username for a in members[g.id]]} for g in groups])
        return 0
    rows = [(g.name, str(len(members[g.id])), clip(g.description, 60)) for g in groups]
    print(table(("GROUP", "MEMBERS", "DESCRIPTION"), rows) if rows else "No groups yet.")
    return 0


def cmd_group_members(context: AppContext, args: argparse.Namespace) -> int:
    """Add the named agents to the group (if any), then list its members."""
    group = context.directory.find_group(args.group)
    for agent in args.agents:
        context.directory.add_member(group.name, agent)
    members = context.directory.agents(group_id=group.id)
    if args.json:
        print_json({"group": jsonable(group), "members": [jsonable(a) for a in members]})
        return 0
    if args.agents:
        print(f"{group.name} now has {len(members)} member{'s' if len(members) != 1 else ''}.")
    rows = [(a.name + (" (you)" if a.is_self else ""), a.username) for a in members]
    print(table(("MEMBER", "USERNAME"), rows) if rows else f"{group.name} has no members yet.")
    return 0


def cmd_agent_add(context: AppContext, args: argparse.Namespace) -> int:
    agent = context.directory.add_agent(args.name, args.username, args.email, args.group).value
    if args.json:
        print_json(_agent_json(agent, _group_names(context)))
    else:
        groups = ", ".join(args.group) if args.group else "no group"
        print(f"Added agent {agent.name} ({agent.username}) to {groups}.")
    return 0


def cmd_agent_list(context: AppContext, args: argparse.Namespace) -> int:
    agents = context.directory.agents()
    names = _group_names(context)
    if args.json:
        print_json([_agent_json(a, names) for a in agents])
        return 0
    rows = [
        (
            a.name + (" (you)" if a.is_self else ""),
            a.username,
            a.email or EMPTY,
            ", ".join(names[g] for g in a.group_ids if g in names) or EMPTY,
        )
        for a in agents
    ]
    print(table(("AGENT", "USERNAME", "EMAIL", "GROUPS"), rows) if rows else "No agents yet.")
    return 0


def cmd_whoami(context: AppContext, args: argparse.Namespace) -> int:
    me = context.directory.me()
    names = _group_names(context)
    if args.json:
        print_json(_agent_json(me, names) | {"data_dir": str(context.paths.data_dir)})
        return 0
    groups = ", ".join(names[g] for g in me.group_ids if g in names) or "no group"
    print(f"{me.name} ({me.username}), {groups}\nData directory: {context.paths.data_dir}")
    return 0


def cmd_categories(context: AppContext, args: argparse.Namespace) -> int:
    nodes = context.categories.tree(include_inactive=getattr(args, "all", False))
    if args.json:
        print_json(nodes)
        return 0
    lines = ["  " * node.depth + node.name + ("" if node.is_active else " (deactivated)") for node in nodes]
    print("\n".join(lines) if nodes else "No categories yet.")
    return 0


def _reporter_rows(reporters: list[ReporterSummary]) -> list[tuple[str, ...]]:
    return [
        (
            r.name,
            r.email or EMPTY,
            r.phone or EMPTY,
            clip(r.department, 24),
            clip(r.location, 24),
            "VIP" if r.is_vip else "",
        )
        for r in reporters
    ]


def cmd_reporter_search(context: AppContext, args: argparse.Namespace) -> int:
    found = context.reporters.search(args.text, limit=args.limit)
    if args.json:
        print_json(found)
        return 0
    if not found:
        print(f"No reporter matches {args.text!r}.")
        return 0
    print(table(("NAME", "EMAIL", "PHONE", "DEPARTMENT", "LOCATION", ""), _reporter_rows(found)))
    return 0


def cmd_reporter_add(context: AppContext, args: argparse.Namespace) -> int:
    draft = ReporterDraft(
        name=args.name,
        email=args.email,
        phone=args.phone,
        department=args.department,
        location=args.location,
        is_vip=args.vip,
    )
    reporter = context.reporters.create(draft).value
    if args.json:
        print_json(reporter)
    else:
        contact = f" ({reporter.contact_line})" if reporter.contact_line else ""
        print(f"Added reporter {reporter.name}{contact}{' [VIP]' if reporter.is_vip else ''}.")
    return 0
