"""The refresh token lives in the OS keyring under "helpdesk" / "<server_url>|<username>", or nowhere."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from keyring.errors import NoKeyringError

from desktop_app.sync.auth import SessionTokens
from desktop_app.sync.credentials import NO_KEYRING_MESSAGE, SERVICE, CredentialStore, credential_key
from desktop_app.sync.http import ApiClient
from sync_protocol.schemas import TokenPair, UserInfo
from tests.support.fakes import MemoryKeyring

URL = "https://helpdesk.example.test"


class RefusingKeyring(MemoryKeyring):
    """A backend that exists but cannot store (a locked or broken one)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise NoKeyringError("no recommended backend was available")


class PlaintextKeyring(MemoryKeyring):
    """Named like keyrings.alt's file backend, which stores secrets in clear."""


def _pair(refresh: str = "refresh-1") -> TokenPair:
    user = UserInfo(
        id="01890000-0000-7000-8000-000000000001",
        username="ann",
        name="Ann",
        email=None,
        role="technician",
        group_ids=[],
    )
    return TokenPair(access_token="access-1", refresh_token=refresh, expires_in=900, user=user)


def test_saved_under_the_service_and_server_user_key(memory_keyring: MemoryKeyring) -> None:
    store = CredentialStore()

    check = store.save(URL, "ann", "secret-token")

    assert check.available
    assert credential_key(URL, "ann") == f"{URL}|ann"
    assert memory_keyring.passwords == {(SERVICE, f"{URL}|ann"): "secret-token"}
    assert SERVICE == "helpdesk"
    assert store.load(URL, "ann") == "secret-token"
    store.delete(URL, "ann")
    assert store.load(URL, "ann") is None
    store.delete(URL, "ann")  # deleting twice is fine


def test_no_keyring_backend_says_so_and_stores_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = CredentialStore(fail.Keyring())
    monkeypatch.chdir(tmp_path)

    check = store.save(URL, "ann", "secret-token")

    assert not check.available
    assert check.message == NO_KEYRING_MESSAGE
    assert "never stored in a plain file" in check.message
    assert store.load(URL, "ann") is None
    assert list(tmp_path.iterdir()) == []


def test_a_backend_that_cannot_store_is_reported_not_worked_around() -> None:
    backend = RefusingKeyring()
    check = CredentialStore(backend).save(URL, "ann", "secret-token")
    assert not check.available
    assert "no recommended backend" in (check.message or "")
    assert backend.passwords == {}


def test_a_plaintext_file_keyring_counts_as_no_keyring() -> None:
    backend = PlaintextKeyring()
    check = CredentialStore(backend).save(URL, "ann", "secret-token")
    assert not check.available
    assert backend.passwords == {}


def test_without_a_keyring_the_session_keeps_the_token_in_memory_only(tmp_path: Path) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        tokens = SessionTokens(ApiClient(URL), CredentialStore(), "ann")
        check = tokens.adopt(_pair("only-in-memory"))
        assert not check.available
        assert tokens.stored_refresh_token() == "only-in-memory"
        assert tokens.has_session
        tokens.forget()
        assert tokens.stored_refresh_token() is None
        assert not tokens.has_session
    finally:
        keyring.set_keyring(previous)


def test_with_a_keyring_the_keyring_copy_wins(memory_keyring: MemoryKeyring) -> None:
    """Another process (the CLI beside the GUI) may have rotated the token: read the keyring, not memory."""
    tokens = SessionTokens(ApiClient(URL), CredentialStore(), "ann")
    tokens.adopt(_pair("first"))
    memory_keyring.set_password(SERVICE, credential_key(URL, "ann"), "rotated-elsewhere")
    assert tokens.stored_refresh_token() == "rotated-elsewhere"
