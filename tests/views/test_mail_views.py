"""Email import in the GUI, offscreen: drops on the window, the progress dialog, Cancel, the quarantine
list, the import settings and the watched folder."""

from __future__ import annotations

import os
import time
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_app.context import AppContext
from desktop_app.domain.mail import ImportResult
from desktop_app.views.mail.import_dialog import MailImportDialog
from desktop_app.views.mail.integration import MailUi
from desktop_app.views.main_window import MainWindow
from tests.mail import messages


def _files(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    first, second, _ = messages.thread()
    paths = [folder / "1-report.eml", folder / "2-reply.eml", folder / "3-junk.eml", folder / "4-html.eml"]
    paths[0].write_bytes(first.as_bytes())
    paths[1].write_bytes(second.as_bytes())
    paths[2].write_bytes(b"\x00 not an email")
    paths[3].write_bytes(messages.html_only().as_bytes())
    return paths


def _mime(paths: list[Path]) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    return mime


def _drop(window: MainWindow, paths: list[Path], *, on_queue: bool = False) -> bool:
    """Drag in and drop: on the window (where no child takes drops), or on the queue's rows."""
    mime = _mime(paths)
    target = window.queue.table.viewport() if on_queue else window
    point = QPoint(20, 20) if on_queue else window.queue.table.viewport().mapTo(window, QPoint(20, 20))
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(point, Qt.DropAction.CopyAction, mime, buttons, modifiers)
    QApplication.sendEvent(target, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(QPointF(point), Qt.DropAction.CopyAction, mime, buttons, modifiers)
    QApplication.sendEvent(target, drop)
    return drop.isAccepted()


def _mail_ui(window: MainWindow) -> MailUi:
    found = window.findChild(MailUi)
    assert found is not None
    return found


def test_dropping_email_files_imports_them_with_progress(
    qtbot: QtBot, main_window: MainWindow, context: AppContext, tmp_path: Path
) -> None:
    paths = _files(tmp_path / "drop")
    assert _drop(main_window, paths)
    dialog = _mail_ui(main_window).import_dialog
    assert dialog is not None
    assert not dialog.is_running()
    assert (dialog.bar.value(), dialog.bar.maximum()) == (4, 4)
    lines = [dialog.results.item(row).text() for row in range(dialog.results.count())]
    assert lines[0] == "1-report.eml: created INC-000001"
    assert lines[1] == "2-reply.eml: added to INC-000001"
    assert lines[2].startswith("3-junk.eml: quarantined – not a readable email")
    assert dialog.heading.text() == "Done: 2 created, 1 threaded, 1 quarantined."
    assert dialog.quarantine_button.isVisibleTo(dialog)
    assert dialog.cancel_button.text() == "Close"
    # The queue shows both new incidents.
    qtbot.waitUntil(lambda: main_window.queue_model.rowCount() == 2)
    # A result line opens its incident (double-click or Enter).
    dialog.results.itemActivated.emit(dialog.results.item(1))
    assert main_window.detail.detail is not None
    assert main_window.detail.detail.display_number == "INC-000001"


def test_a_drag_without_email_files_is_not_taken(main_window: MainWindow, tmp_path: Path) -> None:
    picture = tmp_path / "photo.png"
    picture.write_bytes(b"\x89PNG")
    assert not _drop(main_window, [picture])
    assert _mail_ui(main_window).import_dialog is None


def test_a_folder_dropped_on_the_queue_is_imported_recursively(
    main_window: MainWindow, context: AppContext, tmp_path: Path
) -> None:
    _files(tmp_path / "box" / "nested")
    assert _drop(main_window, [tmp_path / "box"], on_queue=True)
    assert context.incidents.count() == 2


def test_cancel_stops_between_messages(main_window: MainWindow, context: AppContext, tmp_path: Path) -> None:
    paths = _files(tmp_path / "drop")
    dialog = MailImportDialog(paths, main_window)
    # The synchronous runner imports inside start(): press Cancel when the first file reports.
    dialog.progress.progressed.connect(lambda done, _total, _outcome: done == 1 and dialog.cancel_button.click())
    dialog.start(main_window.runner.run_db, context.mail)
    assert [o.result for o in dialog.outcomes] == [ImportResult.CREATED]
    assert dialog.heading.text() == "Done (cancelled): 1 created."
    assert not dialog.quarantine_button.isVisibleTo(dialog)  # nothing was quarantined
    assert context.incidents.count() == 1


def test_quarantine_list_retry_and_discard(
    qtbot: QtBot, main_window: MainWindow, context: AppContext, tmp_path: Path
) -> None:
    context.mail.options.size_limit_mb = 1
    big = tmp_path / "big.eml"
    big.write_bytes(messages.plain("Huge log", "x" * (2 * 1024 * 1024)).as_bytes())
    junk = tmp_path / "junk.eml"
    junk.write_bytes(b"\x00 junk")
    context.mail.import_paths([big, junk])

    dialog = _mail_ui(main_window).open_quarantine()
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2
    names = {dialog.table.item(row, 0).text(): row for row in range(2)}
    assert set(names) == {"big.eml", "junk.eml"}
    assert "the limit is 1 MB" in dialog.table.item(names["big.eml"], 2).text()

    context.mail.options.size_limit_mb = 50
    dialog.table.selectRow(names["big.eml"])
    dialog.retry_button.click()
    assert dialog.status.text().startswith("big.eml: created INC-")
    assert [dialog.table.item(row, 0).text() for row in range(dialog.table.rowCount())] == ["junk.eml"]
    qtbot.waitUntil(lambda: main_window.queue_model.rowCount() == 1)

    stored = Path(dialog.entries[0].stored_path)
    dialog.discard(dialog.entries[0])
    assert dialog.table.rowCount() == 0
    assert not stored.exists()
    assert dialog.status.text() == "The quarantine is empty."
    assert not dialog.retry_button.isEnabled()


def test_import_settings_are_saved_and_used(main_window: MainWindow, context: AppContext, tmp_path: Path) -> None:
    from desktop_app.settings import load_settings
    from desktop_app.views.mail.mail_settings_dialog import MailSettingsDialog

    ui = _mail_ui(main_window)
    main_window.actions_by_id["mail_settings"].trigger()
    dialog = main_window.findChild(MailSettingsDialog)
    dialog.folder.setText(str(tmp_path / "missing"))
    dialog._on_buttons_accepted()
    assert dialog.isVisible()  # refused: not a folder
    (tmp_path / "watched").mkdir()
    dialog.folder.setText(str(tmp_path / "watched"))
    dialog.limit.setValue(7)
    dialog.reopen.setChecked(False)
    dialog._on_buttons_accepted()
    saved = load_settings(context.paths.settings_file)
    assert (saved.mail_watch_folder, saved.mail_size_limit_mb, saved.mail_reopen_resolved) == (
        str(tmp_path / "watched"),
        7,
        False,
    )
    assert (context.mail.options.size_limit_mb, context.mail.options.reopen_resolved) == (7, False)
    assert ui.watcher.folder == tmp_path / "watched"


def test_the_watched_folder_is_swept_into_incidents(
    qtbot: QtBot, main_window: MainWindow, context: AppContext, tmp_path: Path
) -> None:
    watched = tmp_path / "watched"
    for path in _files(watched):
        settled = time.time() - 60
        os.utime(path, (settled, settled))
    ui = _mail_ui(main_window)
    ui.watcher.set_folder(str(watched))
    with qtbot.waitSignal(ui.watcher.swept) as swept:
        ui.watcher.sweep()
    assert len(swept.args[0]) == 4
    assert sorted(p.name for p in (watched / "imported").iterdir()) == ["1-report.eml", "2-reply.eml", "4-html.eml"]
    assert main_window.statusBar().currentMessage() == "Watched folder: 4 email file(s) imported, 1 quarantined"
    assert context.incidents.count() == 2


def test_files_opened_with_the_app_use_the_same_import(main_window: MainWindow, tmp_path: Path) -> None:
    paths = _files(tmp_path / "opened")
    main_window.import_email_files(paths[:1])
    dialog = _mail_ui(main_window).import_dialog
    assert dialog is not None
    assert dialog.heading.text() == "Done: 1 created."
    # One message: its incident opens, as after logging a call.
    assert main_window.detail.detail is not None
    assert main_window.detail.detail.title == "Cannot print payslips"
