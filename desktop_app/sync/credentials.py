"""The refresh token in the OS keyring (service "helpdesk", key "<server_url>|<username>"); nowhere else.

With no usable keyring backend the token is kept in memory for this session only and the user is
told so: they type the password again next start. It is never written to a file: a plain-text
keyring (keyrings.alt's PlaintextKeyring and the like) counts as no keyring.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import keyring
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, PasswordDeleteError

SERVICE = "helpdesk"
# Backends that store nothing (fail, null) or store the secret in clear (keyrings.alt's file ones).
_UNSAFE_BACKEND_NAMES = frozenset({"PlaintextKeyring", "EncryptedKeyring", "EscapeKeyring"})
_UNSAFE_MODULES = ("keyring.backends.fail", "keyring.backends.null")

NO_KEYRING_MESSAGE = (
    "This computer has no usable keyring (such as GNOME Keyring, KWallet, macOS Keychain or Windows "
    "Credential Manager), so the login is kept for this session only; you will be asked for the password "
    "again next time. It is never stored in a plain file."
)


@dataclass(frozen=True)
class KeyringCheck:
    available: bool
    backend: str
    message: str | None = None


def credential_key(server_url: str, username: str) -> str:
    return f"{server_url}|{username}"


class CredentialStore:
    """Reads and writes refresh tokens through ``keyring``; every failure becomes a clear answer."""

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        # None: whatever keyring.get_keyring() says at the time of each call (tests swap it).
        self._backend = backend

    def _keyring(self) -> KeyringBackend:
        return self._backend or keyring.get_keyring()

    def check(self) -> KeyringCheck:
        backend = self._keyring()
        name = f"{type(backend).__module__}.{type(backend).__name__}"
        if type(backend).__module__.startswith(_UNSAFE_MODULES) or type(backend).__name__ in _UNSAFE_BACKEND_NAMES:
            return KeyringCheck(False, name, NO_KEYRING_MESSAGE)
        return KeyringCheck(True, name)

    def save(self, server_url: str, username: str, refresh_token: str) -> KeyringCheck:
        """Store the token; ``available=False`` (with the message to show) when it could not be."""
        check = self.check()
        if not check.available:
            return check
        try:
            self._keyring().set_password(SERVICE, credential_key(server_url, username), refresh_token)
        except KeyringError as exc:  # NoKeyringError, PasswordSetError, a locked keyring...
            said = str(exc).rstrip(". ")
            return KeyringCheck(False, check.backend, f"{NO_KEYRING_MESSAGE} (The keyring said: {said}.)")
        return check

    def load(self, server_url: str, username: str) -> str | None:
        if not self.check().available:
            return None
        try:
            return self._keyring().get_password(SERVICE, credential_key(server_url, username))
        except KeyringError:
            return None

    def delete(self, server_url: str, username: str) -> None:
        if not self.check().available:
            return
        # Nothing stored, or the keyring is gone: either way nothing is left to delete.
        with contextlib.suppress(PasswordDeleteError, KeyringError):
            self._keyring().delete_password(SERVICE, credential_key(server_url, username))
