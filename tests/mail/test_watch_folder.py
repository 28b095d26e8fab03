"""The watched folder: settled files are imported and sorted into imported/ and quarantine/."""

from __future__ import annotations

import os
import time
from pathlib import Path

from desktop_app.domain.mail import ImportResult
from desktop_app.services.mail_import_service import MailImportService
from tests.mail import messages


def _drop(folder: Path, name: str, data: bytes, age_seconds: float) -> Path:
    path = folder / name
    path.write_bytes(data)
    moment = time.time() - age_seconds
    os.utime(path, (moment, moment))
    return path


def test_a_sweep_imports_settled_files_and_sorts_them(mail: MailImportService, inbox: Path) -> None:
    first, second, _ = messages.thread()
    _drop(inbox, "a-report.eml", first.as_bytes(), 60)
    _drop(inbox, "b-reply.eml", second.as_bytes(), 50)
    _drop(inbox, "c-junk.eml", b"\x00 junk", 40)
    _drop(inbox, "d-copying.eml", messages.plain().as_bytes(), 0)  # still being written
    _drop(inbox, "notes.txt", b"left alone", 60)

    outcomes = mail.sweep_folder(inbox)

    assert [o.result for o in outcomes] == [ImportResult.CREATED, ImportResult.THREADED, ImportResult.QUARANTINED]
    assert sorted(p.name for p in (inbox / "imported").iterdir()) == ["a-report.eml", "b-reply.eml"]
    assert [p.name for p in (inbox / "quarantine").iterdir()] == ["c-junk.eml"]
    assert sorted(p.name for p in inbox.iterdir() if p.is_file()) == ["d-copying.eml", "notes.txt"]
    assert [entry.original_name for entry in mail.list_quarantine()] == ["c-junk.eml"]


def test_the_same_file_dropped_again_is_a_duplicate_and_never_overwrites(mail: MailImportService, inbox: Path) -> None:
    raw = messages.plain(message_id="<once@example.com>").as_bytes()
    _drop(inbox, "report.eml", raw, 60)
    mail.sweep_folder(inbox)
    _drop(inbox, "report.eml", raw, 60)
    [outcome] = mail.sweep_folder(inbox)
    assert outcome.result == ImportResult.DUPLICATE
    assert sorted(p.name for p in (inbox / "imported").iterdir()) == ["report (2).eml", "report.eml"]


def test_a_missing_folder_is_not_an_error(mail: MailImportService, tmp_path: Path) -> None:
    assert mail.sweep_folder(tmp_path / "not-there") == []
