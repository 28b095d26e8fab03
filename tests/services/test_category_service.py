"""The category tree: order, type-ahead ranking, path resolution and creating paths."""

from __future__ import annotations

import pytest

from desktop_app.context import AppContext
from desktop_app.domain.errors import UnknownCategoryError, ValidationError
from desktop_app.services.category_service import DEFAULT_TREE
from tests.support.database import count, max_seq, outbox_after


def paths(context: AppContext, query: str, limit: int = 12) -> list[str]:
    return [n.path for n in context.categories.search(query, limit)]


def test_default_tree_in_depth_first_alphabetical_order(context: AppContext) -> None:
    tree = context.categories.tree()
    assert len(tree) == len(DEFAULT_TREE) + sum(len(children) for children in DEFAULT_TREE.values())
    roots = [n.name for n in tree if n.parent_id is None]
    assert roots == sorted(DEFAULT_TREE, key=str.casefold)
    position = {n.id: i for i, n in enumerate(tree)}
    for index, node in enumerate(tree):
        if node.parent_id is not None:
            parent = tree[position[node.parent_id]]
            assert position[node.parent_id] < index
            assert node.depth == parent.depth + 1
            assert node.path == f"{parent.path} > {node.name}"
    network = [n.name for n in tree if n.path.startswith("Network > ")]
    assert network == sorted(DEFAULT_TREE["Network"], key=str.casefold)


def test_children_follow_their_parent_directly(context: AppContext) -> None:
    for path in ("Network (EU)", "Network-Ops", "Hardware > iPhone", "hardware > zebra printer"):
        context.categories.create(path)
    tree = [n.path for n in context.categories.tree()]
    network = tree.index("Network")
    children = [f"Network > {c}" for c in sorted(DEFAULT_TREE["Network"], key=str.casefold)]
    assert tree[network + 1 : network + 1 + len(children)] == children
    assert tree.index("Network (EU)") > tree.index("Network > Wi-Fi")
    hardware_children = [p.removeprefix("Hardware > ") for p in tree if p.startswith("Hardware > ")]
    assert hardware_children == sorted(hardware_children, key=str.casefold)
    assert "iPhone" in hardware_children
    assert "zebra printer" in hardware_children


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("vpn", "Network > VPN"),
        ("net con", "Network > Connectivity"),
        ("network > wi", "Network > Wi-Fi"),
        ("PASS", "Access > Password reset"),
        ("print", "Hardware > Printer"),
    ],
)
def test_search_puts_the_best_match_first(context: AppContext, query: str, first: str) -> None:
    assert paths(context, query)[0] == first


def test_search_needs_every_word_and_prefers_leaf_starts(context: AppContext) -> None:
    found = paths(context, "m")
    starts = [p for p in found if p.split(" > ")[-1].casefold().startswith("m")]
    assert found[: len(starts)] == starts  # names starting with the letter come first
    assert paths(context, "email spam") == ["Email > Spam and phishing"]
    assert paths(context, "email printer") == []
    assert len(paths(context, "", limit=5)) == 5
    assert len(paths(context, "e", limit=3)) == 3


@pytest.mark.parametrize(
    "typed",
    ["network>connectivity", "  Network   >   Connectivity  ", "NETWORK / CONNECTIVITY", "network>>connectivity"],
)
def test_resolve_path_normalises(context: AppContext, typed: str) -> None:
    assert context.categories.resolve_path(typed).path == "Network > Connectivity"


def test_resolve_unknown_or_empty(context: AppContext) -> None:
    with pytest.raises(UnknownCategoryError, match="'network > fax'") as info:
        context.categories.resolve_path("network > fax")
    assert info.value.field == "category"
    with pytest.raises(ValidationError, match="empty"):
        context.categories.resolve_path(" > ")
    with pytest.raises(UnknownCategoryError):
        context.categories.get(context.directory.me().id)


def test_create_adds_missing_parents(context: AppContext) -> None:
    seq = max_seq(context)
    result = context.categories.create("Cloud > Storage > Backup")
    leaf = result.value
    assert (leaf.path, leaf.name, leaf.depth) == ("Cloud > Storage > Backup", "Backup", 2)
    storage = context.categories.resolve_path("cloud > storage")
    cloud = context.categories.resolve_path("cloud")
    assert (leaf.parent_id, storage.parent_id, cloud.parent_id) == (storage.id, cloud.id, None)
    assert result.changes.ids("category") == {cloud.id, storage.id, leaf.id}
    entries = outbox_after(context, seq)
    assert [e.payload["path"] for e in entries] == ["Cloud", "Cloud > Storage", "Cloud > Storage > Backup"]
    assert context.categories.get(leaf.id) == leaf


def test_create_reuses_existing_nodes_in_any_case(context: AppContext) -> None:
    before = count(context, "categories")
    again = context.categories.create("network > VPN")
    assert again.value.path == "Network > VPN"
    assert not again.changes
    child = context.categories.create("NETWORK > Firewall").value
    assert child.path == "Network > Firewall"
    assert child.parent_id == context.categories.resolve_path("Network").id
    assert count(context, "categories") == before + 1
    assert [n.path for n in context.categories.tree() if n.name.casefold() == "network"] == ["Network"]


def test_create_refuses_bad_names(context: AppContext) -> None:
    before = count(context, "categories")
    with pytest.raises(ValidationError, match="limit is 120"):
        context.categories.create("Cloud > " + "x" * 121)
    with pytest.raises(ValidationError, match="empty"):
        context.categories.create(">>")
    assert count(context, "categories") == before
