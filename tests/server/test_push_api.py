"""Push: exactly-once effect, the stored result on retry, seq gaps refused whole, rejections never block."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from central_server.models import Client, Incident, PushResult
from tests.server.harness import incident_payload


def _count_incidents(server) -> int:
    with server.ctx.sessions() as session:
        return session.scalar(select(func.count()).select_from(Incident))


def test_the_same_batch_twice_returns_the_same_results_and_applies_once(server):
    agent = server.user_client("agent")
    incident_id = uuid.uuid4()
    batch = [
        agent.mutation("create_incident", incident_id, incident_payload()),
        agent.mutation("add_note", incident_id, {"note_id": uuid.uuid4(), "kind": "worklog", "body": "Called back"}),
        agent.mutation("update_fields", incident_id, {"title": "Printer jams badly"}, {"title": "Printer jams"}),
    ]

    first = agent.push_raw(batch)
    second = agent.push_raw(batch)

    assert first.status_code == second.status_code == 200
    assert first.json()["results"] == second.json()["results"]
    assert [r["outcome"] for r in first.json()["results"]] == ["applied", "applied", "applied"]
    assert first.json()["last_seq"] == second.json()["last_seq"] == 3
    assert _count_incidents(server) == 1
    assert agent.incident(incident_id)["version"] == 2  # one update, not two


def test_a_retry_overlapping_applied_and_new_mutations_applies_only_the_new(server):
    agent = server.user_client("agent")
    first_id, second_id = uuid.uuid4(), uuid.uuid4()
    create_first = agent.mutation("create_incident", first_id, incident_payload(title="First"))
    create_second = agent.mutation("create_incident", second_id, incident_payload(title="Second"))
    agent.push(create_first)

    results = agent.push(create_first, create_second)

    assert [r["seq"] for r in results] == [1, 2]
    assert results[0]["outcome"] == results[1]["outcome"] == "applied"
    assert _count_incidents(server) == 2


def test_a_seq_gap_refuses_the_whole_request(server):
    agent = server.user_client("agent")
    agent.push(agent.mutation("create_incident", uuid.uuid4(), incident_payload()))
    agent.next_seq = 3  # seq 2 was lost on the client's side

    gap = agent.push_raw([agent.mutation("create_incident", uuid.uuid4(), incident_payload())])
    agent.next_seq = 2
    second = agent.mutation("create_incident", uuid.uuid4(), incident_payload())
    skipping = {**agent.mutation("create_incident", uuid.uuid4(), incident_payload()), "seq": 4}
    inner_gap = agent.push_raw([second, skipping])

    assert gap.status_code == inner_gap.status_code == 409
    assert gap.json()["detail"]["code"] == "seq_gap"
    assert "resend from 2" in gap.json()["detail"]["message"]
    assert gap.json()["last_seq"] == inner_gap.json()["last_seq"] == 1  # beside detail, which stays {code, message}
    assert set(gap.json()["detail"]) == {"code", "message"}
    assert _count_incidents(server) == 1
    with server.ctx.sessions() as session:
        assert session.get(Client, agent.client_id).last_seq == 1


def test_a_rejection_is_recorded_with_a_reason_and_does_not_block_the_queue(server):
    agent = server.user_client("agent")
    good_id, missing_id = uuid.uuid4(), uuid.uuid4()

    results = agent.push(
        agent.mutation("create_incident", good_id, incident_payload()),
        agent.mutation("update_fields", missing_id, {"title": "x"}, {"title": "y"}),
        agent.mutation("create_incident", uuid.uuid4(), incident_payload(impact=7)),
        agent.mutation("create_incident", uuid.uuid4(), incident_payload(), hlc="yesterday"),
        agent.mutation("add_note", good_id, {"note_id": uuid.uuid4(), "kind": "worklog", "body": "still works"}),
    )

    assert [r["outcome"] for r in results] == ["applied", "rejected", "rejected", "rejected", "applied"]
    assert [r["code"] for r in results[1:4]] == ["not_found", "validation_error", "validation_error"]
    assert "impact must be 1, 2 or 3" in results[2]["reason"]
    assert all(r["reason"] for r in results[1:4])
    with server.ctx.sessions() as session:
        assert session.get(Client, agent.client_id).last_seq == 5
        stored = session.get(PushResult, (agent.client_id, 2))
    assert stored.result["code"] == "not_found"
    assert _count_incidents(server) == 1  # the rejected creates left nothing behind


def test_a_rejected_mutation_replayed_returns_the_same_rejection(server):
    agent = server.user_client("agent")
    bad = agent.mutation("update_fields", uuid.uuid4(), {"title": "x"}, {"title": "y"})

    first = agent.push(bad)
    again = agent.push(bad)

    assert first == again
    assert first[0]["outcome"] == "rejected"


def test_out_of_order_mutations_in_one_request_are_refused(server):
    agent = server.user_client("agent")
    first = agent.mutation("create_incident", uuid.uuid4(), incident_payload())
    second = agent.mutation("create_incident", uuid.uuid4(), incident_payload())

    response = agent.push_raw([second, first])

    assert response.status_code == 422
    assert response.json()["detail"]["code"] == "validation_error"


def test_push_needs_a_valid_body(server):
    agent = server.user_client("agent")
    unknown = {**agent.mutation("create_incident", uuid.uuid4(), incident_payload()), "name": "drop_table"}

    response = agent.push_raw([unknown])

    assert response.status_code == 422
    assert response.json()["detail"]["code"] == "validation_error"
    assert "name" in response.json()["detail"]["message"]


def test_a_reused_seq_with_another_mutation_is_refused_not_answered_with_the_old_result(server):
    agent = server.user_client("agent")
    agent.push(agent.mutation("create_incident", uuid.uuid4(), incident_payload(title="Original")))
    agent.next_seq = 1  # e.g. the client's database restored from an old backup

    response = agent.push_raw([agent.mutation("create_incident", uuid.uuid4(), incident_payload(title="Newer"))])

    assert response.status_code == 409
    assert response.json()["detail"]["code"] == "seq_reused"
    assert _count_incidents(server) == 1


def test_an_empty_push_tells_the_client_its_last_seq(server):
    agent = server.user_client("agent")
    agent.push(agent.mutation("create_incident", uuid.uuid4(), incident_payload()))

    response = agent.push_raw([])

    assert response.status_code == 200
    assert response.json()["last_seq"] == 1
    assert response.json()["results"] == []


def test_a_push_longer_than_one_transaction_group_applies_every_mutation_once_in_order(server):
    from central_server.services.audit_chain import verify_chain
    from central_server.services.push import GROUP_MAX

    agent = server.user_client("agent")
    count = GROUP_MAX + 7
    mutations = [agent.mutation("create_incident", uuid.uuid4(), incident_payload(title=f"N{n}")) for n in range(count)]
    # A rejection on each side of the first group's boundary rolls back only its own savepoint.
    for index in (GROUP_MAX - 1, GROUP_MAX):
        mutations[index] = agent.mutation("update_fields", uuid.uuid4(), {"title": "x"}, {"title": "y"}) | {
            "seq": mutations[index]["seq"]
        }

    results = agent.push(*mutations)
    again = agent.push(*mutations)

    assert [r["seq"] for r in results] == list(range(1, count + 1))
    assert [r["outcome"] for r in results].count("rejected") == 2
    assert again == results
    assert _count_incidents(server) == count - 2
    with server.ctx.sessions() as session:
        assert session.get(Client, agent.client_id).last_seq == count
        chain = verify_chain(session)
    assert chain.ok
    assert chain.checked == count
