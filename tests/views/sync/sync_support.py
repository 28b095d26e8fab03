"""Helpers for the sync view tests: a runner that holds jobs until told, a stand-in engine, a fake connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from keyring.backend import KeyringBackend
from keyring.errors import NoKeyringError

from desktop_app.context import AppContext
from desktop_app.sync.credentials import SERVICE, credential_key
from desktop_app.sync.dtos import SyncProgress, SyncReport, SyncStatus
from desktop_app.sync.store import state_row
from desktop_app.views.tasks import SyncTaskRunner
from tests.support.fakes import MemoryKeyring
from tests.sync.conftest import connect_locally

USERNAME = "tester"  # the template database's local agent, as connect_locally names it


def point_at(context: AppContext, url: str, keyring: MemoryKeyring) -> None:
    """As if this client had signed in to ``url`` (blocks leased, bootstrapped) and kept a session token."""
    connect_locally(context)
    with context.sync.store.write() as scope:
        state_row(scope.session).server_url = url
    keyring.set_password(SERVICE, credential_key(url, USERNAME), "a-refresh-token")


@dataclass
class HeldJob:
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    on_done: Callable[[Any], None] | None
    on_error: Callable[[Any], None] | None

    def run(self) -> None:
        try:
            result = self.fn(*self.args)
        except Exception as exc:
            if self.on_error is not None:
                self.on_error(exc)
        else:
            if self.on_done is not None:
                self.on_done(result)


class HoldingRunner(SyncTaskRunner):
    """DB work at once; I/O work held in ``io_jobs`` until the test runs it (a round in flight)."""

    def __init__(self) -> None:
        super().__init__()
        self.io_jobs: list[HeldJob] = []

    def run_io(self, fn: Callable[..., Any], *args: Any, on_done: Any = None, on_error: Any = None) -> None:
        self.io_jobs.append(HeldJob(fn, args, on_done, on_error))

    def run_next(self) -> None:
        self.io_jobs.pop(0).run()


class FakeEngine:
    """Answers status() with ``status``; sync_once reports progress, from whatever thread it runs on."""

    def __init__(self, status: SyncStatus) -> None:
        self.status_value = status
        self.rounds = 0
        self.threads: list[int] = []

    def status(self) -> SyncStatus:
        return self.status_value

    def sync_once(self, progress: Callable[[SyncProgress], None] | None = None) -> SyncReport:
        self.rounds += 1
        self.threads.append(threading.get_ident())
        if progress is not None:
            progress(SyncProgress("push", 120, 500))
        self.status_value = replace(self.status_value, pending=0)
        return SyncReport(pushed=1, applied=1)


class NoKeyring(KeyringBackend):
    """A keyring backend that is there but cannot keep anything (no D-Bus session, a locked wallet...)."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise NoKeyringError("No recommended backend was available.")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise NoKeyringError("No recommended backend was available.")

    def delete_password(self, service: str, username: str) -> None:
        raise NoKeyringError("No recommended backend was available.")
