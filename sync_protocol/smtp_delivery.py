"""Sending one message to a reporter through an SMTP server, used by the client and the server alike.

Pure standard library (``smtplib``); the caller supplies the password (the client reads it from the OS
keyring, the server from its environment). The outcome separates a failure worth retrying (server down,
timeout, 4xx, login refused: fix the server or the password and it goes) from a permanent one (the
server refused the recipient or the message with a 5xx): a retryable message stays queued, nothing lost.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

SECURITY_MODES = ("starttls", "tls", "none")
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
TIMEOUT_SECONDS = 20.0


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str = "starttls"  # starttls, tls (implicit TLS) or none (a local relay)
    username: str = ""
    sender: str = ""  # the From address
    timeout: float = TIMEOUT_SECONDS


@dataclass(frozen=True)
class OutgoingMail:
    to: str
    subject: str
    body: str
    message_id: str | None = None  # a stable id (e.g. the message row's uuid) so a retry is recognisable


@dataclass(frozen=True)
class DeliveryOutcome:
    sent: bool
    retryable: bool = False
    error: str | None = None


def build_message(config: SmtpConfig, mail: OutgoingMail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = config.sender or config.username
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    domain = (config.sender or config.username or "helpdesk.invalid").rpartition("@")[2] or "helpdesk.invalid"
    message["Message-ID"] = f"<{mail.message_id}@{domain}>" if mail.message_id else make_msgid(domain=domain)
    message.set_content(mail.body)
    return message


def deliver(
    config: SmtpConfig, mail: OutgoingMail, password: str | None, context: ssl.SSLContext | None = None
) -> DeliveryOutcome:
    """Send ``mail``; never raises for a network or SMTP problem, it says what happened instead."""
    if config.security not in SECURITY_MODES:
        return DeliveryOutcome(False, error=f"Unknown SMTP security {config.security!r}.")
    tls = context or ssl.create_default_context()
    try:
        if config.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=tls)
        else:
            client = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
        with client:
            if config.security == "starttls":
                client.starttls(context=tls)
            if config.username and password:
                client.login(config.username, password)
            client.send_message(build_message(config, mail))
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _text in exc.recipients.values()]
        return DeliveryOutcome(False, retryable=all(400 <= c < 500 for c in codes), error=_refusal(exc.recipients))
    except smtplib.SMTPResponseException as exc:
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        permanent = exc.smtp_code >= 500 and not isinstance(exc, smtplib.SMTPAuthenticationError)
        return DeliveryOutcome(False, retryable=not permanent, error=f"SMTP {exc.smtp_code}: {text}"[:500])
    except (TimeoutError, OSError, smtplib.SMTPException) as exc:
        where = f"{config.host}:{config.port}"
        return DeliveryOutcome(False, retryable=True, error=f"Cannot reach the SMTP server {where}: {exc}"[:500])
    return DeliveryOutcome(True)


def _refusal(recipients: dict[str, tuple[int, bytes]]) -> str:
    parts = [f"{address}: {code} {text.decode(errors='replace')}" for address, (code, text) in recipients.items()]
    return ("Refused " + "; ".join(parts))[:500]
