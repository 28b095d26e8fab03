"""The server's mail outbox: messages synced with ``send_message`` go out through the server's own SMTP
server, configured from the environment (nothing on disk holds the password):

    HELPDESK_SERVER_SMTP_HOST, _PORT, _SECURITY (starttls | tls | none), _USERNAME, _PASSWORD, _SENDER,
    HELPDESK_SERVER_SMTP_POLL_SECONDS (how often the outbox is looked at, default 10),
    HELPDESK_SERVER_SMTP_RETRY_SECONDS (first retry delay, doubling up to an hour, default 60).

A message the SMTP server cannot take now stays queued with the reason and is tried again later; one it
refuses for good (5xx) is marked failed with the reason. Several server processes share one outbox: a
process claims a message (moves its next attempt past a lease) before sending, so only one sends it.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from central_server.context import ServerContext
from central_server.models import OutboundMail
from central_server.services.transaction import read_session, write_unit
from sync_protocol.smtp_delivery import DEFAULT_PORTS, OutgoingMail, SmtpConfig, deliver

log = logging.getLogger(__name__)
ENV_PREFIX = "HELPDESK_SERVER_SMTP_"
CLAIM_LEASE = timedelta(minutes=5)
MAX_RETRY_DELAY = timedelta(hours=1)
BATCH = 50


@dataclass(frozen=True)
class ServerSmtp:
    config: SmtpConfig
    password: str | None
    poll_seconds: float = 10.0
    retry_delay: timedelta = timedelta(seconds=60)


def smtp_from_environment(environ: dict[str, str] | None = None) -> ServerSmtp | None:
    env = os.environ if environ is None else environ
    host = env.get(ENV_PREFIX + "HOST", "").strip()
    if not host:
        return None
    security = env.get(ENV_PREFIX + "SECURITY", "starttls").strip() or "starttls"
    username = env.get(ENV_PREFIX + "USERNAME", "").strip()
    config = SmtpConfig(
        host=host,
        port=int(env.get(ENV_PREFIX + "PORT") or DEFAULT_PORTS.get(security, 587)),
        security=security,
        username=username,
        sender=env.get(ENV_PREFIX + "SENDER", "").strip() or username,
    )
    return ServerSmtp(
        config,
        env.get(ENV_PREFIX + "PASSWORD") or None,
        poll_seconds=float(env.get(ENV_PREFIX + "POLL_SECONDS") or 10),
        retry_delay=timedelta(seconds=float(env.get(ENV_PREFIX + "RETRY_SECONDS") or 60)),
    )


def send_due(ctx: ServerContext, smtp: ServerSmtp) -> dict[uuid.UUID, str]:
    """Send every queued message whose time has come; returns each one's new state."""
    now = ctx.clock()
    with read_session(ctx) as session:
        due = session.execute(
            select(OutboundMail.id, OutboundMail.next_attempt_at)
            .where(OutboundMail.state == "queued", OutboundMail.next_attempt_at <= now)
            .order_by(OutboundMail.next_attempt_at)
            .limit(BATCH)
        ).all()
    states: dict[uuid.UUID, str] = {}
    for message_id, planned in due:
        mail = _claim(ctx, message_id, planned, now)
        if mail is None:
            continue  # another process took it
        outcome = deliver(smtp.config, mail, smtp.password)
        states[message_id] = _record(ctx, message_id, outcome.sent, outcome.retryable, outcome.error, smtp)
    return states


def _claim(ctx: ServerContext, message_id: uuid.UUID, planned: datetime, now: datetime) -> OutgoingMail | None:
    with write_unit(ctx, serialise=False) as unit:
        claimed = unit.session.execute(
            update(OutboundMail)
            .where(OutboundMail.id == message_id, OutboundMail.next_attempt_at == planned)
            .values(next_attempt_at=now + CLAIM_LEASE)
        ).rowcount
        if claimed != 1:
            return None
        row = unit.session.get(OutboundMail, message_id)
        assert row is not None
        return OutgoingMail(row.to_address, row.subject, row.body, str(row.id))


def _record(
    ctx: ServerContext, message_id: uuid.UUID, sent: bool, retryable: bool, error: str | None, smtp: ServerSmtp
) -> str:
    with write_unit(ctx) as unit:  # the new state is pulled by the clients (their communication log)
        row = unit.session.get(OutboundMail, message_id)
        assert row is not None
        unit.changed("message", message_id)
        row.attempts += 1
        if sent:
            row.state, row.sent_at, row.last_error = "sent", unit.now, None
        elif retryable:
            delay = min(smtp.retry_delay * (2 ** (row.attempts - 1)), MAX_RETRY_DELAY)
            row.state, row.last_error, row.next_attempt_at = "queued", error, unit.now + delay
        else:
            row.state, row.last_error = "failed", error
        if not sent:
            log.warning("mail %s to %s: %s (%s)", message_id, row.to_address, row.state, error)
        return row.state


class MailSender:
    """A daemon thread of one server process that empties the outbox every ``poll_seconds``."""

    def __init__(self, ctx: ServerContext, smtp: ServerSmtp) -> None:
        self._ctx, self._smtp = ctx, smtp
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mail-outbox", daemon=True)

    def start(self) -> MailSender:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                send_due(self._ctx, self._smtp)
            except Exception:  # a database hiccup must not end the sender; the next round tries again
                log.exception("sending the mail outbox failed")
            self._stop.wait(self._smtp.poll_seconds)


def start_mail_sender(ctx: ServerContext) -> MailSender | None:
    """The sender for the environment's SMTP settings, or None when the server has none."""
    smtp = smtp_from_environment()
    return None if smtp is None else MailSender(ctx, smtp).start()
