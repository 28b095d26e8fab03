"""Fixtures shared by every test layer.

- ``QT_QPA_PLATFORM`` defaults to ``offscreen`` before anything imports Qt.
- An in-memory keyring (``tests.support.fakes.MemoryKeyring``) is installed for the whole session and
  emptied before each test; the ``memory_keyring`` fixture hands it over. Never the OS keyring.
- ``clock``: a ``FixedClock`` at ``TEST_START`` (aware UTC); ``clock.advance(minutes=5)`` moves it.
- ``ids``: a ``SequentialIds`` factory: deterministic, valid, time-ordered UUIDv7 values.
- ``context``: an ``AppContext`` on a fresh copy of a database migrated and initialised once per
  session (device, local agent "Terry Tester" / ``tester``, default categories and groups), in
  ``tmp_path / "data"``, wired to ``clock`` and ``ids``. Closed after the test.
- ``make_reporter`` / ``make_incident``: ``make_incident(description=..., **IncidentDraft fields)``
  creates through the services of ``context``; see ``tests.support.builders`` for more.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest

from desktop_app.context import AppContext, open_context
from tests.support import builders
from tests.support.database import build_template, copy_database
from tests.support.fakes import TEST_START, FixedClock, MemoryKeyring, SequentialIds

_KEYRING = MemoryKeyring()


@pytest.fixture(scope="session", autouse=True)
def _session_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    keyring.set_keyring(_KEYRING)
    yield _KEYRING
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def memory_keyring(_session_keyring: MemoryKeyring) -> MemoryKeyring:
    """The session's in-memory keyring, emptied for this test."""
    _session_keyring.passwords.clear()
    return _session_keyring


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(TEST_START)


@pytest.fixture
def ids() -> SequentialIds:
    return SequentialIds(TEST_START)


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("template"))


@pytest.fixture
def data_dir(tmp_path: Path, template_database: Path) -> Path:
    """A data directory holding a fresh copy of the template database."""
    target = tmp_path / "data"
    copy_database(template_database, target)
    return target


@pytest.fixture
def context(data_dir: Path, clock: FixedClock, ids: SequentialIds) -> Iterator[AppContext]:
    ctx = open_context(data_dir, clock=clock, ids=ids)
    yield ctx
    ctx.close()


@pytest.fixture
def make_reporter(context: AppContext) -> Callable[..., Any]:
    return lambda name=None, **fields: builders.make_reporter(context, name, **fields)


@pytest.fixture
def make_incident(context: AppContext) -> Callable[..., Any]:
    return lambda description="Printer on floor 3 jams on every page", **fields: builders.make_incident(
        context, description, **fields
    )
