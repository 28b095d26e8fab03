"""Attachments end to end (PROTOCOL.md "Attachments"): real server processes, real clients, real PNG bytes
made by Pillow, and a proxy between them that cuts, damages or slows the upload (``fault_proxy.py``).

- an upload cut at half (the connection dropped; separately, the client process killed) resumes from the
  offset the server holds, not from zero, and the attach_file is not pushed before its bytes are up;
- a flipped byte on the way is caught by the chunk's checksum and that chunk is sent again;
- the same file attached on two clients is stored once on the server; the same user's second device
  does not upload it at all;
- a user who cannot see the incident gets 404 for its file; one who can downloads it (ranged) and holds
  exactly the bytes; every client converges with the server, attachment rows included.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from central_server.models import PushResult
from desktop_app.domain.dtos import IncidentDraft
from desktop_app.domain.errors import NotFoundError
from desktop_app.domain.sync_errors import ProtocolError, ServerUnreachable
from desktop_app.sync.blobs import ENV_CHUNK_BYTES
from desktop_app.sync.dtos import OutboxState, SyncProgress
from tests.e2e.fault_proxy import FaultProxy
from tests.e2e.harness import (
    FIELD_SERVICES,
    SERVICE_DESK,
    E2EClient,
    WireSession,
    assert_converged,
    client_states,
)
from tests.sync.e2e_support import PASSWORD, REPO, RunningServer, process_env, run_cli

CHUNK = 16 * 1024


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_CHUNK_BYTES, str(CHUNK))


@pytest.fixture
def proxies():
    started: list[FaultProxy] = []

    def make(server: RunningServer, **faults) -> FaultProxy:
        proxy = FaultProxy(server.port, **faults).start()
        started.append(proxy)
        return proxy

    yield make
    for proxy in started:
        proxy.stop()


def photo_png(seed: int = 1, size: tuple[int, int] = (256, 256)) -> bytes:
    """A real PNG of camera-like noise (about 190 kB: a dozen chunks), so it does not compress away."""
    rnd = random.Random(seed)
    out = io.BytesIO()
    Image.frombytes("RGB", size, rnd.randbytes(size[0] * size[1] * 3)).save(out, "PNG")
    return out.getvalue()


def attach(client: E2EClient, group: str, data: bytes, name: str = "error-dialog.png"):
    incident = client.context.incidents.create(IncidentDraft(description="Login fails", group_id=client.group(group)))
    return incident.value, client.context.attachments.add(incident.value.id, data, name, caption="The error")


def logged_in_through(client: E2EClient, proxy: FaultProxy) -> E2EClient:
    client.context.sync.login(proxy.url, client.username, PASSWORD)
    return client


def alice_attaching_behind(proxy: FaultProxy, clients, server: RunningServer, seed: int):
    """Alice, logged in through ``proxy``, synced once, with a fresh attachment waiting to be sent."""
    data = photo_png(seed=seed)
    alice = logged_in_through(clients("alice", server, login=False), proxy)
    alice.sync()
    _, attached = attach(alice, FIELD_SERVICES, data)
    return alice, data, attached


def server_part_sizes(server: RunningServer) -> list[int]:
    uploads = server.data_dir / "blobs" / ".uploads"
    return [part.stat().st_size for part in uploads.glob("*.part")] if uploads.exists() else []


def settled_part_sizes(server: RunningServer) -> list[int]:
    """The part sizes once they stop changing (a chunk already on its way may still land)."""
    last = server_part_sizes(server)
    for _ in range(50):
        time.sleep(0.3)
        now = server_part_sizes(server)
        if now == last:
            return now
        last = now
    raise AssertionError("the server's uploads never settled")


def server_blobs(server: RunningServer) -> dict[str, bytes]:
    root = server.data_dir / "blobs"
    return {p.name: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".uploads" not in p.parts}


def attach_pending(client: E2EClient) -> list:
    return [item for item in client.pending() if item.name == "attach_file"]


@pytest.mark.parametrize("backend", ["sqlite"])
def test_an_upload_cut_at_half_resumes_from_the_servers_offset(server, farm, clients, proxies) -> None:
    proxy = proxies(server, cut_upload_at=len(photo_png(seed=1)) // 2)
    alice, data, attached = alice_attaching_behind(proxy, clients, server, seed=1)
    bob = clients("bob", server)

    with pytest.raises(ServerUnreachable):
        alice.sync()
    held = server_part_sizes(server)
    assert len(held) == 1, held
    assert 0 < held[0] < len(data)
    assert held[0] % CHUNK == 0  # only whole chunks were kept: the one cut in half wrote nothing
    pending = attach_pending(alice)
    assert [item.wire_seq for item in pending] == [None]  # not pushed before its bytes are up

    cut_at = len(proxy.chunks)
    progress: list[SyncProgress] = []
    alice.context.sync.sync_once(progress.append)
    resumed = proxy.chunks[cut_at:]
    assert resumed[0].offset == held[0]  # from the server's offset, not from zero
    assert sum(chunk.length for chunk in resumed) == len(data) - held[0]
    uploads = [p for p in progress if p.stage == "upload" and p.item == attached.sha256]
    assert (uploads[0].done, uploads[-1].done, uploads[-1].total) == (held[0], len(data), len(data))
    assert uploads[0].label == "error-dialog.png"
    assert server_blobs(server) == {attached.sha256: data}
    assert not attach_pending(alice)

    bob.sync()
    path = bob.context.sync.download_blob(attached.sha256, "error-dialog.png")
    assert path.read_bytes() == data
    Image.open(path).verify()
    assert_converged(server, farm, alice, bob)


def _cli_sync(data_dir: Path) -> subprocess.Popen[bytes]:
    env = process_env(
        HELPDESK_PASSWORD=PASSWORD,
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        **{ENV_CHUNK_BYTES: str(CHUNK)},
    )
    return subprocess.Popen(
        [sys.executable, "-m", "desktop_app.cli.main", "--data-dir", str(data_dir), "sync", "--quiet"],
        env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_client_killed_mid_upload_resumes_from_the_servers_offset(server, farm, clients, proxies) -> None:
    proxy = proxies(server, chunk_delay=0.15)
    alice, data, attached = alice_attaching_behind(proxy, clients, server, seed=2)
    alice.close()

    process = _cli_sync(alice.data_dir)
    try:
        deadline = time.monotonic() + 60
        while not any(size >= len(data) // 2 for size in server_part_sizes(server)):
            assert process.poll() is None, "the sync finished before it could be killed"
            assert time.monotonic() < deadline, "the upload never reached half"
            time.sleep(0.01)
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(10) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
    (held,) = settled_part_sizes(server)  # a chunk the proxy was still delaying lands or not: the server says
    assert len(data) // 2 <= held < len(data)

    alice.reopen()
    assert [item.wire_seq for item in attach_pending(alice)] == [None]
    proxy.chunk_delay = 0.0
    killed_at = len(proxy.chunks)
    alice.sync()
    assert proxy.chunks[killed_at].offset == held
    assert sum(chunk.length for chunk in proxy.chunks[killed_at:]) == len(data) - held
    assert server_blobs(server) == {attached.sha256: data}
    assert_converged(server, farm, alice)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_flipped_byte_is_caught_by_the_checksum_and_resent(server, farm, clients, proxies) -> None:
    proxy = proxies(server, flip_chunk=3)
    alice, data, attached = alice_attaching_behind(proxy, clients, server, seed=3)
    alice.sync()

    flipped = [index for index, chunk in enumerate(proxy.chunks) if chunk.fault == "flipped"]
    assert flipped == [2]
    damaged, again = proxy.chunks[2], proxy.chunks[3]
    assert (again.offset, again.length, again.fault) == (damaged.offset, damaged.length, None)
    assert len(proxy.chunks) == -(-len(data) // CHUNK) + 1  # every chunk once, the damaged one twice
    assert server_blobs(server) == {attached.sha256: data}
    assert hashlib.sha256(server_blobs(server)[attached.sha256]).hexdigest() == attached.sha256
    assert_converged(server, farm, alice)


def test_the_same_file_on_two_clients_is_stored_once(server, farm, clients, proxies) -> None:
    data = photo_png(seed=4)
    laptop = clients("alice", server, name="alice-laptop")
    desktop_proxy = proxies(server)
    desktop = logged_in_through(clients("alice", server, name="alice-desktop", login=False), desktop_proxy)
    carol = clients("carol", server)
    for each in (laptop, desktop, carol):
        each.sync()
    _, first = attach(laptop, FIELD_SERVICES, data, "printer.png")
    laptop.sync()
    _, second = attach(desktop, FIELD_SERVICES, data, "printer-again.png")
    _, third = attach(carol, FIELD_SERVICES, data, "same-printer.png")
    desktop.sync()
    carol.sync()

    assert first.sha256 == second.sha256 == third.sha256
    assert desktop_proxy.chunks == []  # the same user's other device: the server holds it for them already
    assert server_blobs(server) == {first.sha256: data}  # carol proved she has it too; still one copy
    everything = assert_converged(server, farm, laptop, desktop, carol)
    names = sorted(row[2] for state in everything.values() for row in state["attachments"])
    assert names == ["printer-again.png", "printer.png", "same-printer.png"]


def test_only_users_who_see_the_incident_download_its_file(server, farm, clients) -> None:
    data = photo_png(seed=5)
    bob, alice = clients("bob", server), clients("alice", server)
    bob.sync()
    alice.sync()
    _, attached = attach(bob, SERVICE_DESK, data, "payroll.png")
    bob.sync()
    alice.sync()

    with WireSession(server.url, "alice") as wire:
        refused = wire.get(f"/blobs/{attached.sha256}")
        assert (refused.status_code, refused.json()["detail"]["code"]) == (404, "not_found")
    with pytest.raises(NotFoundError):
        alice.context.sync.download_blob(attached.sha256)
    assert attached.incident_id not in client_states(alice)
    with WireSession(server.url, "root") as wire:
        headers = {"Authorization": f"Bearer {wire.token}", "Range": "bytes=0-99"}
        part = wire.http.get(f"{server.url}/blobs/{attached.sha256}", headers=headers, timeout=30)
        assert (part.status_code, part.content) == (206, data[:100])
    root = clients("root", server)
    root.sync()
    assert root.context.sync.download_blob(attached.sha256).read_bytes() == data
    assert [a.display_name for a in root.context.attachments.list_for(attached.incident_id)] == ["payroll.png"]

    bob.context.attachments.remove(attached.id)
    everything = assert_converged(server, farm, bob, alice, root)
    (row,) = everything[attached.incident_id]["attachments"]
    assert row[-1] is True  # the removal is a tombstone every client holds
    assert root.context.attachments.list_for(attached.incident_id) == []
    assert [item.state for item in bob.outbox() if item.name == "remove_attachment"] == [OutboxState.APPLIED]


def _push_reason(farm, client: E2EClient, mutation_id) -> str | None:
    with farm.db() as session:
        stored = session.scalar(
            select(PushResult).where(PushResult.client_id == client.client_id, PushResult.mutation_id == mutation_id)
        )
        assert stored is not None
        return stored.result.get("reason")


@pytest.mark.parametrize("backend", ["sqlite"])
def test_an_attach_file_made_during_the_uploads_waits_for_its_own_bytes(server, farm, clients) -> None:
    alice = clients("alice", server)
    alice.sync()
    incident, first = attach(alice, FIELD_SERVICES, photo_png(seed=6), "first.png")
    later: list = []

    def attach_while_uploading(progress: SyncProgress) -> None:
        if progress.stage == "upload" and not later:  # made after this round listed what to upload
            later.append(alice.context.attachments.add(incident.id, photo_png(seed=7), "second.png"))

    alice.context.sync.sync_once(attach_while_uploading)
    assert not alice.pending()
    items = {item.payload["attachment_id"]: item for item in alice.outbox() if item.name == "attach_file"}
    for info in (first, later[0]):
        assert items[str(info.id)].state == OutboxState.APPLIED
        assert _push_reason(farm, alice, items[str(info.id)].mutation_id) is None  # its bytes were there first
    assert set(server_blobs(server)) == {first.sha256, later[0].sha256}


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_file_that_cannot_be_uploaded_does_not_block_the_outbox(server, farm, clients) -> None:
    alice, bob = clients("alice", server), clients("bob", server)
    alice.sync()
    incident, attached = attach(alice, FIELD_SERVICES, photo_png(seed=8), "lost.png")
    alice.context.incidents.add_note(incident.id, "Screenshot attached")
    alice.context.attachments.blobs.path_for(attached.sha256).unlink()  # the local file is gone

    report = alice.sync()
    assert not alice.pending()  # the attach_file and the note behind it went anyway
    assert any("lost.png" in warning for warning in report.warnings)
    item = next(item for item in alice.outbox() if item.name == "attach_file")
    assert _push_reason(farm, alice, item.mutation_id) == "Attached; the server is waiting for the file's bytes."
    bob.sync()
    assert [a.display_name for a in bob.context.attachments.list_for(incident.id)] == ["lost.png"]
    with pytest.raises(NotFoundError):
        bob.context.sync.download_blob(attached.sha256)
    assert_converged(server, farm, alice, bob)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_export_attachment_fetches_a_file_that_is_only_on_the_server(server, farm, clients, tmp_path) -> None:
    data = photo_png(seed=9)
    alice, bob = clients("alice", server), clients("bob", server)
    alice.sync()
    incident, attached = attach(alice, FIELD_SERVICES, data, "meter-reading.png")
    alice.sync()
    bob.sync()
    number = bob.incident(incident.id).number
    assert not bob.context.attachments.blobs.has(attached.sha256)
    bob.close()

    dest = tmp_path / "exported.png"
    done = run_cli(
        "--data-dir", str(bob.data_dir), "export-attachment", str(number), "meter-reading.png", str(dest),
        env={"HELPDESK_PASSWORD": PASSWORD, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
    )  # fmt: skip
    assert done.code == 0, done.err
    assert dest.read_bytes() == data
    bob.reopen()
    assert bob.context.attachments.blobs.has(attached.sha256)  # kept: the next open needs no download


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_cut_download_resumes_and_damaged_bytes_are_never_kept(server, farm, clients) -> None:
    data = photo_png(seed=10)
    alice, bob = clients("alice", server), clients("bob", server)
    alice.sync()
    _, attached = attach(alice, FIELD_SERVICES, data, "switch-label.png")
    alice.sync()
    bob.sync()
    store = bob.context.attachments.blobs
    part = store.root / ".downloads" / f"{attached.sha256}.part"
    part.parent.mkdir(parents=True)
    half = (len(data) // 2 // CHUNK) * CHUNK
    part.write_bytes(data[:half])  # what a download cut at half left behind

    progress: list[SyncProgress] = []
    assert bob.context.sync.download_blob(attached.sha256, "switch-label.png", progress.append).read_bytes() == data
    assert progress[0].done == half + CHUNK  # the first piece fetched was the one after what it had
    assert (progress[-1].done, progress[-1].total, progress[-1].stage) == (len(data), len(data), "download")
    assert not part.exists()

    store.remove(attached.sha256)
    part.write_bytes(bytes(half))  # a part that is not the start of the file
    with pytest.raises(ProtocolError):
        bob.context.sync.download_blob(attached.sha256)
    assert not store.has(attached.sha256)
    assert not part.exists()
    with ThreadPoolExecutor(2) as pool:  # opened twice at once (preview and save as): one download, one file
        paths = list(pool.map(lambda _: bob.context.sync.download_blob(attached.sha256), range(2)))
    assert [path.read_bytes() == data for path in paths] == [True, True]


@pytest.mark.parametrize("backend", ["postgresql"])
def test_an_upload_cut_on_one_server_process_finishes_on_another(farm, clients, proxies, tmp_path) -> None:
    """Two processes behind one "load balancer" (the proxy), sharing the database and the blob directory."""
    shared = {"HELPDESK_SERVER_BLOB_DIR": str(tmp_path / "shared-blobs")}
    first, second = farm.start(**shared), farm.start(**shared)
    proxy = proxies(first, cut_upload_at=len(photo_png(seed=11)) // 2)
    alice, data, attached = alice_attaching_behind(proxy, clients, first, seed=11)
    with pytest.raises(ServerUnreachable):
        alice.sync()
    first.stop()
    proxy.upstream_port = second.port  # the balancer sends the next connections to the process still up
    cut_at = len(proxy.chunks)

    alice.sync()
    assert proxy.chunks[cut_at].offset > 0  # the bytes the first process kept count
    assert sum(chunk.length for chunk in proxy.chunks[cut_at:]) == len(data) - proxy.chunks[cut_at].offset
    bob = clients("bob", second)
    bob.sync()
    assert bob.context.sync.download_blob(attached.sha256).read_bytes() == data
    stored = [p.name for p in (tmp_path / "shared-blobs").rglob("*") if p.is_file()]
    assert stored == [attached.sha256]
    assert_converged(second, farm, alice, bob)
