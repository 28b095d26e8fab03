"""The client's log rotates in its folder, is not duplicated when set up twice, and keeps crashes."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.log_files import configure_logging, current_log_file, last_lines, log_uncaught_exceptions
from desktop_app.paths import ENV_DATA_DIR, ENV_LOG_DIR, resolve_paths


@pytest.fixture(autouse=True)
def _restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level, hook = list(root.handlers), root.level, sys.excepthook
    yield
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)
    sys.excepthook = hook


def test_rotates_at_the_size_limit_and_keeps_a_bounded_number_of_files(tmp_path: Path) -> None:
    path = configure_logging(tmp_path / "logs", max_bytes=2_000, backups=3)
    log = logging.getLogger("desktop_app.test")
    for n in range(400):
        log.info("line %04d %s", n, "x" * 40)
    files = sorted(p.name for p in (tmp_path / "logs").iterdir())
    assert files == ["helpdesk.log", "helpdesk.log.1", "helpdesk.log.2", "helpdesk.log.3"]
    assert all(p.stat().st_size <= 2_100 for p in (tmp_path / "logs").iterdir())
    assert "line 0399" in path.read_text(encoding="utf-8"), "the newest line is in the current file"
    assert "line 0000" not in "".join(p.read_text() for p in (tmp_path / "logs").iterdir()), "oldest dropped"


def test_configuring_twice_writes_each_line_once(tmp_path: Path) -> None:
    configure_logging(tmp_path / "first")
    path = configure_logging(tmp_path / "second")
    logging.getLogger("desktop_app.test").warning("only once")
    assert path.read_text(encoding="utf-8").count("only once") == 1
    assert current_log_file() == path
    assert not (tmp_path / "first" / "helpdesk.log").exists()


def test_last_lines_reads_the_tail(tmp_path: Path) -> None:
    path = tmp_path / "helpdesk.log"
    path.write_text("".join(f"line {n}\n" for n in range(500)), encoding="utf-8")
    assert last_lines(path, 3) == ["line 497", "line 498", "line 499"]
    assert last_lines(tmp_path / "missing.log") == []
    assert last_lines(None) == []


def test_uncaught_exceptions_reach_the_log(tmp_path: Path) -> None:
    path = configure_logging(tmp_path / "logs")
    previous_calls: list[type[BaseException]] = []
    sys.excepthook = lambda kind, value, tb: previous_calls.append(kind)  # stands for Python's printer
    log_uncaught_exceptions()
    try:
        raise RuntimeError("the database worker died")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    text = path.read_text(encoding="utf-8")
    assert "CRITICAL" in text
    assert "RuntimeError: the database worker died" in text
    assert previous_calls == [RuntimeError], "the previous hook still runs (prints to a terminal)"


def test_log_directory_is_per_user_unless_a_data_dir_is_chosen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_LOG_DIR, raising=False)
    monkeypatch.delenv(ENV_DATA_DIR, raising=False)
    chosen = resolve_paths(tmp_path / "data")
    assert chosen.logs == (tmp_path / "data" / "logs").resolve()
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    default = resolve_paths()
    if sys.platform.startswith("linux"):
        assert default.data_dir == (tmp_path / "xdg-data" / "helpdesk").resolve()
        assert str(default.logs).startswith(str(tmp_path)), default.logs
        assert default.logs.name == "log" or "helpdesk" in default.logs.parts
    monkeypatch.setenv(ENV_LOG_DIR, str(tmp_path / "elsewhere"))
    assert resolve_paths(tmp_path / "data").logs == (tmp_path / "elsewhere").resolve()


def test_qt_warnings_reach_the_log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from PySide6.QtCore import QMessageLogContext, QtMsgType

    from desktop_app.views.qt_messages import log_qt_message

    path = configure_logging(tmp_path / "logs")
    log_qt_message(QtMsgType.QtWarningMsg, QMessageLogContext(), "QPainter::begin: Paint device returned engine == 0")
    log_qt_message(QtMsgType.QtDebugMsg, QMessageLogContext(), "a chatty debug line")
    text = path.read_text(encoding="utf-8")
    assert "WARNING qt" in text
    assert "Paint device returned engine == 0" in text
    assert "a chatty debug line" not in text, "debug output stays out of the file"
    assert "Paint device" in capsys.readouterr().err, "still printed for a terminal"
