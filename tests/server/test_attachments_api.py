"""The attachment channel of the server (PROTOCOL.md "Attachments") on SQLite and PostgreSQL:
attach_file / remove_attachment, which blobs to upload, resumable chunked uploads with checksums,
ranged downloads only for users who see an incident holding the blob, one stored copy per content."""

from __future__ import annotations

import hashlib
import io
import random
import uuid
from typing import Any

import pytest
from PIL import Image, ImageDraw

from tests.server.harness import ServerHarness, SyncClient

CHUNK = 4096


@pytest.fixture
def settings_overrides() -> dict[str, object]:
    return {"upload_chunk_max_bytes": CHUNK, "blob_max_bytes": 200_000}


def png(seed: int = 1, size: tuple[int, int] = (80, 60)) -> bytes:
    """A real PNG: a camera-like noisy picture (it does not compress away) with a drawn frame."""
    rnd = random.Random(seed)
    image = Image.frombytes("RGB", size, rnd.randbytes(size[0] * size[1] * 3))
    ImageDraw.Draw(image).rectangle((2, 2, size[0] - 3, size[1] - 3), outline=(200, 30, 30), width=2)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def attach(client: SyncClient, incident_id: uuid.UUID, data: bytes, name: str = "screen.png") -> tuple[uuid.UUID, dict]:
    attachment_id = uuid.uuid4()
    payload = {
        "attachment_id": attachment_id,
        "incident_id": incident_id,
        "sha256": sha(data),
        "display_name": name,
        "mime_type": "image/png",
        "size": len(data),
        "caption": "The error dialog",
        "created_at": client.clock().isoformat(),
    }
    return attachment_id, client.push_one("attach_file", incident_id, payload)


def start(client: SyncClient, data: bytes) -> dict[str, Any]:
    response = client.http.post("/blobs/uploads", json={"sha256": sha(data), "size": len(data)}, headers=client.headers)
    assert response.status_code == 200, response.text
    return response.json()


def send_chunk(client: SyncClient, upload_id: str, offset: int, chunk: bytes, checksum: str | None = None):
    headers = client.headers | {"Upload-Offset": str(offset), "Chunk-SHA256": checksum or sha(chunk)}
    return client.http.patch(f"/blobs/uploads/{upload_id}", content=chunk, headers=headers)


def upload(client: SyncClient, data: bytes, *, stop_at: int | None = None) -> dict[str, Any]:
    state = start(client, data)
    offset = state["offset"]
    while not state["complete"] and (stop_at is None or offset < stop_at):
        chunk = data[offset : offset + state["chunk_max"]]
        response = send_chunk(client, state["upload_id"], offset, chunk)
        assert response.status_code == 200, response.text
        state = response.json()
        offset = state["offset"]
    return state


def missing(client: SyncClient, *hashes: str) -> list[str]:
    response = client.http.post("/blobs/missing", json={"sha256": list(hashes)}, headers=client.headers)
    assert response.status_code == 200, response.text
    return response.json()["missing"]


def download(client: SyncClient, digest: str, range_header: str | None = None):
    headers = client.headers | ({"Range": range_header} if range_header else {})
    return client.http.get(f"/blobs/{digest}", headers=headers)


def attachments_seen(client: SyncClient) -> dict[str, dict[str, Any] | None]:
    changes, _ = client.pull_all()
    return {c["entity_id"]: c["data"] for c in changes if c["entity"] == "attachment"}


def stored_files(server: ServerHarness) -> list[str]:
    root = server.ctx.settings.blobs_root
    return sorted(p.name for p in root.rglob("*") if p.is_file() and ".uploads" not in p.parts)


def test_attach_before_upload_is_applied_and_ready_once_the_bytes_arrive(server: ServerHarness) -> None:
    tech = server.user_client("technician")
    incident_id, _ = tech.create_incident()
    data = png()
    attachment_id, result = attach(tech, incident_id, data)
    assert result["outcome"] == "applied", result
    assert attachments_seen(tech)[str(attachment_id)]["bytes_ready"] is False
    assert download(tech, sha(data)).status_code == 404

    assert missing(tech, sha(data)) == [sha(data)]
    assert upload(tech, data)["complete"] is True
    assert missing(tech, sha(data)) == []

    seen = attachments_seen(tech)[str(attachment_id)]
    assert (seen["bytes_ready"], seen["sha256"], seen["size"], seen["display_name"]) == (
        True, sha(data), len(data), "screen.png"
    )  # fmt: skip
    whole = download(tech, sha(data))
    assert (whole.status_code, whole.content) == (200, data)
    assert (whole.headers["x-content-type-options"], whole.headers["content-type"]) == (
        "nosniff", "application/octet-stream"
    )  # fmt: skip
    Image.open(io.BytesIO(whole.content)).verify()


def test_an_upload_resumes_from_the_servers_offset(server: ServerHarness) -> None:
    tech = server.user_client("technician")
    data = png(seed=2)
    assert len(data) > 3 * CHUNK
    first = upload(tech, data, stop_at=2 * CHUNK)
    assert first["offset"] == 2 * CHUNK

    again = start(tech, data)  # a restarted client asks again: the same upload, where the server left off
    assert (again["upload_id"], again["offset"]) == (first["upload_id"], 2 * CHUNK)
    polled = tech.get(f"/blobs/uploads/{first['upload_id']}").json()
    assert polled["offset"] == 2 * CHUNK

    stale = send_chunk(tech, first["upload_id"], 0, data[:CHUNK])  # a client that thinks it starts at 0
    assert stale.status_code == 409
    assert (stale.json()["detail"]["code"], stale.json()["offset"]) == ("offset_mismatch", 2 * CHUNK)
    assert upload(tech, data)["complete"] is True
    assert stored_files(server) == [sha(data)]


def test_a_flipped_byte_is_refused_by_the_chunk_checksum_and_nothing_is_written(server: ServerHarness) -> None:
    tech = server.user_client("technician")
    data = png(seed=3)
    state = start(tech, data)
    chunk = data[:CHUNK]
    flipped = bytes([chunk[0] ^ 0x01]) + chunk[1:]
    refused = send_chunk(tech, state["upload_id"], 0, flipped, checksum=sha(chunk))
    assert (refused.status_code, refused.json()["detail"]["code"]) == (422, "chunk_checksum_mismatch")
    assert tech.get(f"/blobs/uploads/{state['upload_id']}").json()["offset"] == 0
    assert upload(tech, data)["complete"] is True
    assert download(tech, sha(data)).content == data


def test_bytes_that_do_not_hash_to_the_declared_sha256_are_refused_whole(server: ServerHarness) -> None:
    tech = server.user_client("technician")
    data, other = png(seed=4), png(seed=5)
    forged = other[: len(data)].ljust(len(data), b"\0")
    state = start(tech, data)
    offset, answer = 0, None
    while offset < len(forged):
        answer = send_chunk(tech, state["upload_id"], offset, forged[offset : offset + CHUNK])
        offset += CHUNK
    assert answer is not None
    assert (answer.status_code, answer.json()["detail"]["code"]) == (422, "blob_checksum_mismatch")
    assert missing(tech, sha(data)) == [sha(data)]
    assert stored_files(server) == []
    assert start(tech, data)["offset"] == 0


def test_the_same_file_from_two_users_is_stored_once_and_each_proves_they_have_it(server: ServerHarness) -> None:
    server.group("Desk")
    first, second = server.user_client("technician", ["Desk"]), server.user_client("technician")
    data = png(seed=6)
    upload(first, data)
    # Knowing the hash is not having the file: the second user must upload it too (stored once).
    assert missing(second, sha(data)) == [sha(data)]
    incident_id, _ = second.create_incident()
    attachment_id, result = attach(second, incident_id, data)
    assert result["outcome"] == "applied"
    assert attachments_seen(second)[str(attachment_id)]["bytes_ready"] is False
    assert download(second, sha(data)).status_code == 404
    assert upload(second, data)["complete"] is True
    assert attachments_seen(second)[str(attachment_id)]["bytes_ready"] is True
    assert stored_files(server) == [sha(data)]


def test_download_needs_sight_of_an_incident_holding_the_blob(server: ServerHarness) -> None:
    server.group("Desk")
    server.group("Field")
    owner = server.user_client("technician", ["Desk"])
    colleague = server.user_client("agent", ["Desk"])
    outsider = server.user_client("agent", ["Field"])
    supervisor = server.user_client("supervisor")
    desk = next(g for g in owner.pull_all()[0] if g["entity"] == "group" and g["data"]["name"] == "Desk")
    incident_id, _ = owner.create_incident(group_id=desk["entity_id"])
    data = png(seed=7)
    upload(owner, data)
    attachment_id, _ = attach(owner, incident_id, data)

    assert download(colleague, sha(data)).content == data
    assert download(supervisor, sha(data)).status_code == 200
    refused = download(outsider, sha(data))
    assert (refused.status_code, refused.json()["detail"]["code"]) == (404, "not_found")
    assert str(attachment_id) not in {k for k, v in attachments_seen(outsider).items() if v is not None}

    removed = owner.push_one("remove_attachment", incident_id, {"attachment_id": attachment_id})
    assert removed["outcome"] == "applied"
    seen = attachments_seen(colleague)[str(attachment_id)]
    assert (seen["removed_at"] is not None, seen["removed_by"]) == (True, str(owner.user_id))
    assert download(colleague, sha(data)).status_code == 404  # a removed attachment shows its bytes no more
    again = owner.push_one("remove_attachment", incident_id, {"attachment_id": attachment_id})
    assert (again["outcome"], again["reason"]) == ("applied", "The attachment was already removed.")


def test_ranged_downloads(server: ServerHarness) -> None:
    tech = server.user_client("technician")
    incident_id, _ = tech.create_incident()
    data = png(seed=8)
    upload(tech, data)
    attach(tech, incident_id, data)
    part = download(tech, sha(data), "bytes=100-199")
    assert (part.status_code, part.content, part.headers["content-range"]) == (
        206, data[100:200], f"bytes 100-199/{len(data)}"
    )  # fmt: skip
    tail = download(tech, sha(data), "bytes=-10")
    assert (tail.status_code, tail.content) == (206, data[-10:])
    rest = download(tech, sha(data), f"bytes={len(data) - 5}-")
    assert rest.content == data[-5:]
    beyond = download(tech, sha(data), f"bytes={len(data)}-")
    assert (beyond.status_code, beyond.headers["content-range"]) == (416, f"bytes */{len(data)}")


def test_attach_file_rules(server: ServerHarness) -> None:
    tech = server.user_client("technician")
    incident_id, _ = tech.create_incident()
    data = png(seed=9)
    attachment_id, first = attach(tech, incident_id, data)
    assert first["outcome"] == "applied"
    payload = {"attachment_id": attachment_id, "sha256": sha(data), "display_name": "x.png", "mime_type": "image/png"}
    replay = tech.push_one("attach_file", incident_id, payload | {"size": len(data)})
    assert (replay["outcome"], replay["reason"]) == ("applied", "The file was already attached.")
    bad_name = tech.push_one("attach_file", incident_id, payload | {"attachment_id": uuid.uuid4(), "size": 3,
                                                                     "display_name": "../etc/passwd"})  # fmt: skip
    assert (bad_name["outcome"], bad_name["code"]) == ("rejected", "validation_error")
    bad_hash = tech.push_one("attach_file", incident_id, payload | {"attachment_id": uuid.uuid4(), "size": 3,
                                                                     "sha256": "abc"})  # fmt: skip
    assert (bad_hash["outcome"], bad_hash["code"]) == ("rejected", "validation_error")
    nowhere = tech.push_one("remove_attachment", incident_id, {"attachment_id": uuid.uuid4()})
    assert (nowhere["outcome"], nowhere["code"]) == ("rejected", "not_found")

    server.group("Elsewhere")
    stranger = server.user_client("agent", ["Elsewhere"])
    other_group = next(
        g["entity_id"] for g in stranger.pull_all()[0] if g["entity"] == "group" and g["data"]["name"] == "Elsewhere"
    )
    boss = server.user_client("supervisor")
    hidden_id, _ = boss.create_incident(group_id=other_group)
    outsider = server.user_client("agent")
    _, refused = attach(outsider, hidden_id, data)
    assert (refused["outcome"], refused["code"]) == ("rejected", "permission_denied")


def test_too_large_and_oversized_chunks_are_refused(server: ServerHarness) -> None:
    tech = server.user_client("technician")
    big = tech.http.post("/blobs/uploads", json={"sha256": "a" * 64, "size": 200_001}, headers=tech.headers)
    assert (big.status_code, big.json()["detail"]["code"]) == (413, "too_large")
    data = png(seed=10)
    state = start(tech, data)
    oversized = send_chunk(tech, state["upload_id"], 0, data[: CHUNK + 1])
    assert (oversized.status_code, oversized.json()["detail"]["code"]) == (413, "too_large")
    foreign = server.user_client("technician").get(f"/blobs/uploads/{state['upload_id']}")
    assert foreign.status_code == 404


def test_bootstrap_carries_attachments_of_visible_incidents(server: ServerHarness) -> None:
    tech = server.user_client("technician")
    incident_id, _ = tech.create_incident()
    data = png(seed=11)
    attachment_id, _ = attach(tech, incident_id, data)
    page = tech.get("/sync/bootstrap").json()
    kinds = [(e["entity"], e["entity_id"]) for e in page["entities"]]
    assert ("attachment", str(attachment_id)) in kinds
    assert kinds.index(("incident", str(incident_id))) < kinds.index(("attachment", str(attachment_id)))


def test_an_upload_left_for_a_week_is_dropped_with_its_bytes(server: ServerHarness) -> None:
    tech = server.user_client("technician")
    data = png(seed=12)
    left = upload(tech, data, stop_at=CHUNK)
    server.clock.advance(days=6)
    tech = server.login(tech.username)  # a day later (the access token lasts minutes)
    kept = upload(tech, data, stop_at=2 * CHUNK)  # a chunk before the week is out keeps it alive
    assert (kept["upload_id"], kept["offset"]) == (left["upload_id"], 2 * CHUNK)
    server.clock.advance(days=7, seconds=1)
    start(server.user_client("technician"), png(seed=13))  # any start sweeps stale uploads
    tech = server.login(tech.username)
    assert tech.get(f"/blobs/uploads/{left['upload_id']}").status_code == 404
    assert not (server.ctx.settings.blobs_root / ".uploads" / f"{left['upload_id']}.part").exists()
    again = start(tech, data)
    assert (again["upload_id"] != left["upload_id"], again["offset"]) == (True, 0)


def test_two_users_uploading_the_same_file_at_once_both_finish_with_one_copy(server: ServerHarness) -> None:
    first, second = server.user_client("technician"), server.user_client("technician")
    data = png(seed=14)
    states = [start(first, data), start(second, data)]
    assert states[0]["upload_id"] != states[1]["upload_id"]  # each proves possession on its own
    while not all(state["complete"] for state in states):  # chunk by chunk, taking turns
        for index, (client, state) in enumerate(zip((first, second), states, strict=True)):
            if state["complete"]:
                continue
            answer = send_chunk(client, state["upload_id"], state["offset"], data[state["offset"] :][:CHUNK])
            assert answer.status_code == 200, answer.text
            states[index] = answer.json()
    assert missing(first, sha(data)) == missing(second, sha(data)) == []
    assert stored_files(server) == [sha(data)]


def test_attachments_follow_the_note_rules_for_former_workers_and_read_only_incidents(server: ServerHarness) -> None:
    tech = server.user_client("technician", groups=["Service Desk"])
    boss = server.user_client("supervisor")
    desk, network = server.group("Service Desk"), server.group("Network")
    other_tech = server.add_user("nettech", "technician", groups=["Network"])
    incident_id, _ = boss.create_incident(group_id=desk, assignee_id=tech.user_id, status="assigned")
    _, cursor = tech.pull_all()
    # While the technician is offline, the supervisor gives the incident to the network team.
    boss.push_one("reassign", incident_id, {"group_id": network, "assignee_id": other_tech})

    attachment_id, offline = attach(tech, incident_id, png(seed=15), "cable.png")
    assert (offline["outcome"], offline["code"]) == ("applied", None)
    changes, _ = tech.pull_all(cursor)  # still out of sight: tombstones, as for notes
    assert ("attachment", str(attachment_id), "delete") in {(c["entity"], c["entity_id"], c["op"]) for c in changes}
    assert attachments_seen(boss)[str(attachment_id)]["created_by"] == str(tech.user_id)

    stranger = server.user_client("agent", groups=["Service Desk"])
    _, refused = attach(stranger, incident_id, png(seed=16))
    assert (refused["outcome"], refused["code"]) == ("rejected", "permission_denied")
    boss.push_one("change_status", incident_id, {"status": "canceled", "hold_reason": None})
    _, closed = attach(boss, incident_id, png(seed=17))
    removal = boss.push_one("remove_attachment", incident_id, {"attachment_id": attachment_id})
    assert (closed["outcome"], closed["code"], removal["outcome"]) == ("rejected", "validation_error", "rejected")
    assert "read-only" in closed["reason"]
