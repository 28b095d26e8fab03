"""AttachmentService with real Pillow-made bytes on a real SQLite file and a real blob directory."""

from __future__ import annotations

import io
import os
import time
import uuid
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select, update

from desktop_app.context import AppContext
from desktop_app.domain.attachments import (
    AttachmentBombError,
    AttachmentCorruptError,
    AttachmentEmptyError,
    AttachmentNameError,
    AttachmentTooLargeError,
    AttachmentTypeError,
)
from desktop_app.domain.errors import NotFoundError, ReadOnlyIncidentError
from desktop_app.models import Attachment, AuditEvent, Incident, OutboxEntry
from tests.support import images
from tests.support.builders import make_incident


def _files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def _outbox(context: AppContext, name: str) -> list[OutboxEntry]:
    with context.attachments._env.sessions() as session:
        return list(session.scalars(select(OutboxEntry).where(OutboxEntry.name == name)))


def test_a_png_is_stored_with_row_audit_and_outbox_in_one_go(context: AppContext) -> None:
    incident = make_incident(context)
    data = images.png_bytes()
    info = context.attachments.add(incident.id, data, "printer.png", caption="Error on the panel")
    assert (info.mime_type, info.size, info.display_name, info.caption) == (
        "image/png",
        len(data),
        "printer.png",
        "Error on the panel",
    )
    assert info.created_by_name == "Terry Tester"
    assert context.attachments.blob_path(info.id).read_bytes() == data
    [entry] = _outbox(context, "attach_file")
    assert entry.payload == {
        "attachment_id": str(info.id),
        "incident_id": str(incident.id),
        "sha256": info.sha256,
        "display_name": "printer.png",
        "mime_type": "image/png",
        "size": len(data),
        "caption": "Error on the panel",
        "created_at": info.created_at.isoformat(),
    }
    with context.attachments._env.sessions() as session:
        audit = session.scalars(select(AuditEvent).where(AuditEvent.field == "attachment")).one()
    assert (audit.new_value, audit.mutation_id) == ("printer.png", entry.mutation_id)
    assert context.attachments.thumbnail_path(info.id) is not None


def test_webp_is_accepted_and_sniffed_whatever_the_name_says(context: AppContext) -> None:
    incident = make_incident(context)
    info = context.attachments.add(incident.id, images.webp_bytes(), "picture.png")
    assert info.mime_type == "image/webp"


def test_duplicate_content_on_two_incidents_is_stored_once(context: AppContext) -> None:
    first, second = make_incident(context), make_incident(context, "VPN drops every hour")
    data = images.png_bytes(seed=7)
    a = context.attachments.add(first.id, data, "one.png")
    b = context.attachments.add(second.id, data, "two.png")
    assert a.sha256 == b.sha256
    assert a.id != b.id
    assert len(_files_under(context.attachments.blobs.root)) == 1


def test_jpeg_keeps_its_bytes_unless_asked_and_strip_applies_orientation_and_drops_gps(context: AppContext) -> None:
    incident = make_incident(context)
    data = images.jpeg_with_exif(400, 300, orientation=6)
    kept = context.attachments.add(incident.id, data, "photo.jpg")
    assert context.attachments.blob_path(kept.id).read_bytes() == data
    stripped = context.attachments.add(incident.id, data, "photo-clean.jpg", strip_metadata=True)
    with Image.open(context.attachments.blob_path(stripped.id)) as image:
        exif = image.getexif()
        assert image.size == (300, 400)  # turned upright
        assert images.ORIENTATION not in exif
        assert images.GPS_IFD not in exif
        assert 0x010F not in exif
        # The red marker was top-left in the stored pixels; after a 90° clockwise turn it is top-right.
        red, green, _ = image.convert("RGB").getpixel((290, 10))
        assert red > 200
        assert green < 60


def test_a_size_budget_reencodes_a_photo_under_it(context: AppContext) -> None:
    incident = make_incident(context)
    data = images.encode(images.photo(1600, 1200), "PNG")
    info = context.attachments.add(incident.id, data, "site.png", size_budget=150_000)
    assert info.size <= 150_000 < len(data)
    assert (info.mime_type, info.display_name) == ("image/jpeg", "site.jpg")


def test_a_screenshot_is_stored_as_the_smaller_of_png_and_lossless_webp(context: AppContext) -> None:
    incident = make_incident(context)
    source = images.ui_screenshot(800, 600)
    info = context.attachments.add(incident.id, images.encode(source, "PNG"), "Screenshot.png", kind="screenshot")
    stored = context.attachments.blob_path(info.id).read_bytes()
    assert len(stored) < len(images.encode(source, "PNG", optimize=True))
    with Image.open(io.BytesIO(stored)) as image:
        assert image.convert("RGB").tobytes() == source.tobytes()  # lossless
    assert info.display_name == "Screenshot" + (".webp" if info.mime_type == "image/webp" else ".png")


@pytest.mark.parametrize(
    ("data", "name", "error", "words"),
    [
        (images.bomb_png(), "bomb.png", AttachmentBombError, "10000×5000"),
        (images.truncated(images.png_bytes(640, 480)), "cut.png", AttachmentCorruptError, "truncated or corrupt"),
        (images.truncated(images.jpeg_with_exif()), "cut.jpg", AttachmentCorruptError, "truncated or corrupt"),
        (b"", "empty.txt", AttachmentEmptyError, "empty"),
        (b"MZ\x90\x00\x03" + bytes(200), "setup.bin", AttachmentTypeError, "application/octet-stream"),
        (images.png_bytes(), "../../etc/x.png", AttachmentNameError, "path separators"),
        (images.png_bytes(), "bad\x07name.png", AttachmentNameError, "control characters"),
        (b"@echo off\r\nformat c:\r\n", "fix.bat", AttachmentTypeError, "could run a program"),
        (b"<html><script>alert(1)</script></html>", "page.html", AttachmentTypeError, "ending .html"),
        (images.png_bytes(), "photo.png.exe", AttachmentTypeError, "ending .exe"),
    ],
)
def test_bad_input_is_refused_with_the_file_and_the_rule_and_nothing_is_stored(
    context: AppContext, data: bytes, name: str, error: type[Exception], words: str
) -> None:
    incident = make_incident(context)
    with pytest.raises(error) as refused:
        context.attachments.add(incident.id, data, name)
    assert words in refused.value.message
    assert repr(name) in refused.value.message or name in refused.value.message
    assert context.attachments.list_for(incident.id) == []
    assert _files_under(context.attachments.blobs.root) == []
    assert _files_under(context.attachments.thumbnails.root) == []
    assert _outbox(context, "attach_file") == []


def test_a_30_mb_file_over_the_limit_is_refused_before_it_is_read(context: AppContext, tmp_path: Path) -> None:
    incident = make_incident(context)
    big = tmp_path / "dump.txt"
    with big.open("wb") as out:
        out.truncate(30 * 1024 * 1024)  # sparse: 30 MB without writing them
    with pytest.raises(AttachmentTooLargeError, match=r"dump.txt: 30.0 MB is over the 25.0 MB limit"):
        context.attachments.add(incident.id, big, "dump.txt")
    assert _files_under(context.attachments.blobs.root) == []


def test_text_documents_and_files_from_disk_are_accepted(context: AppContext, tmp_path: Path) -> None:
    incident = make_incident(context)
    log = tmp_path / "install.log"
    log.write_text("2026-03-02 09:00 error 0x80070005 access denied\n", encoding="utf-8")
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    assert context.attachments.add(incident.id, log, "install.log").mime_type == "text/plain"
    assert context.attachments.add(incident.id, b"a,b\n1,2\n", "data.csv").mime_type == "text/csv"
    assert context.attachments.add(incident.id, pdf, "manual.pdf").mime_type == "application/pdf"


def test_remove_is_a_tombstone_queued_for_sync(context: AppContext) -> None:
    incident = make_incident(context)
    info = context.attachments.add(incident.id, images.png_bytes(), "a.png")
    removed = context.attachments.remove(info.id)
    assert removed.removed_at is not None
    assert context.attachments.list_for(incident.id) == []
    assert [a.id for a in context.attachments.list_for(incident.id, include_removed=True)] == [info.id]
    [entry] = _outbox(context, "remove_attachment")
    assert entry.payload == {"attachment_id": str(info.id)}
    assert context.attachments.blob_path(info.id) is not None  # the bytes stay; other rows may share them


def test_export_copies_the_bytes_and_find_uses_number_and_name(context: AppContext, tmp_path: Path) -> None:
    incident = make_incident(context)
    data = images.png_bytes(seed=4)
    context.attachments.add(incident.id, data, "panel.png")
    found = context.attachments.find(incident.number, "panel.png")
    written = context.attachments.export(found.id, tmp_path)
    assert written == tmp_path / "panel.png"
    assert written.read_bytes() == data


def test_blob_path_is_none_while_the_bytes_are_not_here(context: AppContext) -> None:
    incident = make_incident(context)
    info = context.attachments.add(incident.id, images.png_bytes(), "a.png")
    context.attachments.blob_path(info.id).unlink()
    assert context.attachments.blob_path(info.id) is None


def test_attach_in_joins_the_callers_transaction(context: AppContext) -> None:
    incident = make_incident(context)
    with context.attachments._write() as scope:
        info = context.attachments.attach_in(scope, incident.id, b"From: a@b\n\nhello\n", "mail.eml")
    assert info.mime_type == "message/rfc822"
    assert [a.id for a in context.attachments.list_for(incident.id)] == [info.id]
    with context.attachments._env.sessions() as session:
        assert session.scalar(select(Attachment.size).where(Attachment.id == info.id)) == 17


def test_a_closed_incident_takes_no_new_attachments(context: AppContext) -> None:
    incident = make_incident(context)
    with context.attachments._env.sessions() as session, session.begin():
        # Straight to closed: the closure rules are the incident service's business, not this test's.
        session.execute(update(Incident).where(Incident.id == incident.id).values(status="closed"))
    with pytest.raises(ReadOnlyIncidentError):
        context.attachments.add(incident.id, images.png_bytes(), "late.png")
    assert _files_under(context.attachments.blobs.root) == []


def test_a_missing_thumbnail_is_rebuilt_from_the_blob(context: AppContext) -> None:
    incident = make_incident(context)
    info = context.attachments.add(incident.id, images.jpeg_with_exif(400, 300), "photo.jpg")
    cached = context.attachments.thumbnail_path(info.id)
    cached.unlink()
    rebuilt = context.attachments.thumbnail_path(info.id)
    assert rebuilt == cached
    with Image.open(rebuilt) as thumb:
        assert max(thumb.size) <= 192
        assert thumb.width < thumb.height  # upright: the EXIF said to turn the landscape pixels


def test_a_file_that_vanished_before_attaching_is_refused_by_name(context: AppContext, tmp_path: Path) -> None:
    incident = make_incident(context)
    missing = tmp_path / "gone.png"
    with pytest.raises(AttachmentCorruptError, match=r"gone\.png: the file cannot be read"):
        context.attachments.add(incident.id, missing, "gone.png")


def test_a_failed_transaction_leaves_neither_blob_nor_thumbnail(context: AppContext) -> None:
    with pytest.raises(NotFoundError):
        context.attachments.add(uuid.uuid4(), images.png_bytes(seed=11), "orphan.png")
    assert _files_under(context.attachments.blobs.root) == []
    assert _files_under(context.attachments.thumbnails.root) == []


def test_old_unreferenced_blobs_are_collected_and_the_rest_kept(context: AppContext) -> None:
    incident = make_incident(context)
    kept = context.attachments.add(incident.id, images.png_bytes(seed=21), "kept.png")
    blobs = context.attachments.blobs
    old_orphan = blobs.put_bytes(b"left by a crash")
    new_orphan = blobs.put_bytes(b"an add in progress")
    an_hour_ago = time.time() - 7200
    for sha in (old_orphan, kept.sha256):
        os.utime(blobs.path_for(sha), (an_hour_ago, an_hour_ago))
    assert context.attachments.collect_orphans() == [old_orphan]
    assert not blobs.has(old_orphan)
    assert blobs.has(new_orphan)
    assert blobs.has(kept.sha256)


def test_stripping_a_bmp_stores_a_png_named_so(context: AppContext) -> None:
    incident = make_incident(context)
    info = context.attachments.add(
        incident.id, images.encode(images.photo(64, 48), "BMP"), "scan.bmp", strip_metadata=True
    )
    assert (info.display_name, info.mime_type) == ("scan.png", "image/png")


def test_a_budget_no_photo_can_meet_is_refused(context: AppContext) -> None:
    incident = make_incident(context)
    with pytest.raises(AttachmentTooLargeError, match="does not fit in 100 bytes"):
        context.attachments.add(incident.id, images.jpeg_with_exif(), "tiny.jpg", size_budget=100)
    assert _files_under(context.attachments.blobs.root) == []
