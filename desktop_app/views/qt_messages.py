"""Qt's own warnings (a missing plugin, a bad stylesheet rule) into the rotating log.

A program started from the desktop menu has no terminal, so what Qt prints on stderr is lost;
support sees it in the log and in Help > Copy diagnostics instead. It is still printed as well.
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

log = logging.getLogger("qt")
LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def log_qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    level = LEVELS.get(kind, logging.WARNING)
    if level >= logging.WARNING:
        category = context.category if context is not None and context.category else "default"
        log.log(level, "[%s] %s", category, message)
    print(message, file=sys.stderr)


def route_qt_messages_to_log() -> None:
    qInstallMessageHandler(log_qt_message)
