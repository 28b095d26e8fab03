"""Similar incidents (FTS5 bm25 over title and description, same category first) and known errors."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from desktop_app.context import AppContext
from desktop_app.domain.dtos import IncidentDetail
from desktop_app.domain.enums import NoteKind
from desktop_app.domain.errors import ReadOnlyIncidentError, ValidationError
from tests.support.builders import close
from tests.support.database import max_seq, outbox_after
from tests.support.fakes import FixedClock

MakeIncident = Callable[..., IncidentDetail]


def test_similar_ranks_the_same_category_first_then_by_words(context: AppContext, make_incident: MakeIncident) -> None:
    vpn = context.categories.create("Network > VPN").value
    wifi = context.categories.create("Network > Wi-Fi").value
    target = make_incident("VPN tunnel drops every hour with error 809", title="VPN drops", category_id=vpn.id)
    same_words_other_category = make_incident(
        "VPN tunnel drops every hour with error 809 on the guest Wi-Fi", title="VPN drops on Wi-Fi", category_id=wifi.id
    )
    same_category_fewer_words = make_incident("Tunnel drops at night", title="Night drops", category_id=vpn.id)
    unrelated = make_incident("Printer jams on every page", title="Printer jams", category_id=vpn.id)
    context.workflow.worklog.set_workaround(same_words_other_category.id, "Use the wired port")

    found = context.workflow.similar.similar_to(target.id)

    ids = [s.id for s in found]
    assert target.id not in ids
    assert unrelated.id not in ids
    assert ids == [same_category_fewer_words.id, same_words_other_category.id]
    assert [s.same_category for s in found] == [True, False]
    assert found[1].workaround == "Use the wired port"


def test_similar_leaves_out_old_closed_incidents_but_keeps_recent_ones(
    context: AppContext, make_incident: MakeIncident, clock: FixedClock
) -> None:
    old = close(context, make_incident("Scanner feeds two sheets at once", title="Scanner double feed"))
    clock.advance(days=120)
    recent = close(context, make_incident("Scanner feeds two sheets", title="Scanner double feed again"))
    target = make_incident("The scanner feeds two sheets together", title="Scanner")

    ids = [s.id for s in context.workflow.similar.similar_to(target.id)]

    assert ids == [recent.id]
    assert old.id not in ids


def test_similar_text_works_before_anything_is_saved(context: AppContext, make_incident: MakeIncident) -> None:
    known = make_incident("Outlook asks for the password again and again", title="Outlook password prompt")
    assert [s.id for s in context.workflow.similar.similar_text("outlook password", None)] == [known.id]
    assert context.workflow.similar.similar_text("the and of", "") == []


def test_link_as_parent_or_duplicate_syncs_the_parent_field(context: AppContext, make_incident: MakeIncident) -> None:
    parent, child, dup = make_incident("Site outage"), make_incident("No network"), make_incident("Network down")
    seq = max_seq(context)
    linked = context.workflow.similar.link(child.id, parent.id, duplicate=False).value
    duplicate = context.workflow.similar.link(dup.id, parent.id, duplicate=True).value

    entries = outbox_after(context, seq)
    assert [e.name for e in entries] == ["update_fields", "update_fields", "add_note"]
    assert entries[0].payload == {"parent_id": str(parent.id)}
    assert [h.field for h in linked.history][-1] == "parent_id"
    assert duplicate.notes[-1].kind == NoteKind.INVESTIGATION
    assert duplicate.notes[-1].body == f"Duplicate of {parent.display_number}: {parent.title}"
    with pytest.raises(ValidationError, match="itself"):
        context.workflow.similar.link(child.id, child.id, duplicate=False)
    with pytest.raises(ValidationError, match="already linked under this one"):
        context.workflow.similar.link(parent.id, child.id, duplicate=False)


def test_link_refuses_a_closed_incident(context: AppContext, make_incident: MakeIncident) -> None:
    closed, parent = close(context, make_incident("Old")), make_incident("Parent")
    with pytest.raises(ReadOnlyIncidentError):
        context.workflow.similar.link(closed.id, parent.id, duplicate=True)


def test_known_errors_are_saved_synced_and_found_by_words_and_category(
    context: AppContext, make_incident: MakeIncident
) -> None:
    vpn = context.categories.create("Network > VPN").value
    incident = make_incident("VPN drops", category_id=vpn.id)
    seq = max_seq(context)
    saved = context.workflow.knowledge.save(
        symptom="VPN drops every hour",
        workaround="Use the web portal",
        category_id=vpn.id,
        source_incident_id=incident.id,
    )
    context.workflow.knowledge.save(symptom="Printer jams", workaround="Use tray 2")

    [entry, _other] = outbox_after(context, seq)
    assert (entry.name, entry.entity_id) == ("save_knowledge", saved.id)
    assert entry.payload == {
        "category_id": str(vpn.id),
        "symptom": "VPN drops every hour",
        "workaround": "Use the web portal",
        "source_incident_id": str(incident.id),
    }
    assert [k.symptom for k in context.workflow.knowledge.search("my vpn keeps dropping drops")] == [
        "VPN drops every hour"
    ]
    assert [k.workaround for k in context.workflow.knowledge.search(None, category_id=vpn.id)] == ["Use the web portal"]
    assert context.workflow.knowledge.search("keyboard") == []
    with pytest.raises(ValidationError, match="symptom is required"):
        context.workflow.knowledge.save(symptom=" ", workaround="x")
