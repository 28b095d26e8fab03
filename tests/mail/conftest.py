"""Fixtures for the email import tests: the service of the test's context and a folder to drop files in."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from desktop_app.context import AppContext
from desktop_app.services.mail_import_service import MailImportService


@pytest.fixture
def mail(context: AppContext) -> MailImportService:
    return context.mail


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


def outbox_names(context: AppContext) -> list[str]:
    with context.engine.connect() as connection:
        return list(connection.execute(text("SELECT name FROM outbox ORDER BY seq")).scalars())


def incident_count(context: AppContext) -> int:
    return context.incidents.count()
