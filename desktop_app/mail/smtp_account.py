"""This client's SMTP server for replies: host and options in the settings file, the password only in
the OS keyring (service ``helpdesk-smtp``, keyed by user@host), never in a file."""

from __future__ import annotations

import keyring
from keyring.errors import KeyringError

from desktop_app.domain.errors import ValidationError
from desktop_app.settings import Settings
from sync_protocol.smtp_delivery import DEFAULT_PORTS, SECURITY_MODES, SmtpConfig

KEYRING_SERVICE = "helpdesk-smtp"


def smtp_config(host: str, port: int, security: str, username: str, sender: str) -> SmtpConfig | None:
    """The configured server, or None when no host is set (replies then open the mail client)."""
    if not host.strip():
        return None
    if security not in SECURITY_MODES:
        raise ValidationError(f"SMTP security must be one of {', '.join(SECURITY_MODES)}.", field="smtp_security")
    return SmtpConfig(
        host=host.strip(),
        port=port or DEFAULT_PORTS[security],
        security=security,
        username=username.strip(),
        sender=sender.strip() or username.strip(),
    )


def _key(config: SmtpConfig) -> str:
    return f"{config.username}@{config.host}"


def smtp_password(config: SmtpConfig) -> str | None:
    if not config.username:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, _key(config))
    except KeyringError:
        return None


def store_smtp_password(config: SmtpConfig, password: str) -> None:
    """Keep the password in the keyring; refuses (rather than writing it anywhere else) with no keyring."""
    try:
        if password:
            keyring.set_password(KEYRING_SERVICE, _key(config), password)
        elif keyring.get_password(KEYRING_SERVICE, _key(config)) is not None:
            keyring.delete_password(KEYRING_SERVICE, _key(config))
    except KeyringError as exc:
        raise ValidationError(
            f"The SMTP password cannot be kept: this computer has no usable keyring ({exc}).", field="smtp_password"
        ) from exc


def settings_smtp_account(settings: Settings) -> tuple[SmtpConfig, str | None] | None:
    """The SMTP server of the settings with its password from the keyring; None when none is set."""
    config = smtp_config(
        settings.smtp_host, settings.smtp_port, settings.smtp_security, settings.smtp_username, settings.smtp_sender
    )
    return None if config is None else (config, smtp_password(config))
