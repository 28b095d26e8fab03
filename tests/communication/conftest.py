from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from desktop_app.context import AppContext
from desktop_app.domain.dtos import IncidentDetail
from tests.support.builders import reporter_draft
from tests.support.smtp_server import LocalSmtpServer


@pytest.fixture
def smtp_server() -> Iterator[LocalSmtpServer]:
    server = LocalSmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def reported(context: AppContext, make_incident: Callable[..., Any]) -> IncidentDetail:
    """An incident reported by Ada Lovelace <ada@example.org>."""
    return make_incident(title="Printer jams", new_reporter=reporter_draft("Ada Lovelace", email="ada@example.org"))


def use_smtp(context: AppContext, port: int) -> None:
    context.settings.smtp_host = "127.0.0.1"
    context.settings.smtp_port = port
    context.settings.smtp_security = "none"
    context.settings.smtp_sender = "servicedesk@it.example.org"
