"""A threaded reply's note keeps the sender's new words, not the history it quotes."""

from __future__ import annotations

import pytest

from desktop_app.context import AppContext
from desktop_app.domain.mail import ImportResult
from desktop_app.mail.quotes import LEFT_OUT, reply_text
from desktop_app.services.mail_import_service import MailImportService
from tests.mail import messages

GMAIL_STYLE = """Still broken, see below.

On Mon, 23 Feb 2026 at 10:00, Service Desk <helpdesk@example.com> wrote:
> We restarted the spooler.
> Please try again.
"""
OUTLOOK_STYLE = """Thanks, it works now.

From: Service Desk <helpdesk@example.com>
Sent: Monday, February 23, 2026 10:00
To: Jane Roe
Subject: RE: [INC-000001] printer

We restarted the spooler."""


@pytest.mark.parametrize(
    ("body", "subject", "kept"),
    [
        (GMAIL_STYLE, "Re: printer", "Still broken, see below."),
        (OUTLOOK_STYLE, "RE: [INC-000001] printer", "Thanks, it works now."),
    ],
)
def test_the_quoted_history_is_left_out(body: str, subject: str, kept: str) -> None:
    assert reply_text(body, subject) == f"{kept}\n\n{LEFT_OUT}"


@pytest.mark.parametrize(
    ("body", "subject"),
    [
        (OUTLOOK_STYLE, "FW: printer"),  # a forward is new information: kept whole
        ("No quote at all.\n> a line that only starts with a bracket\nmore", "Re: x"),
        ("> only a quote, nothing new\n> at all", "Re: x"),
    ],
)
def test_forwards_and_unquoted_text_are_kept_whole(body: str, subject: str) -> None:
    assert reply_text(body, subject) == body


def test_a_threaded_note_holds_the_new_text_only(context: AppContext, mail: MailImportService) -> None:
    first, _, _ = messages.thread()
    mail.import_bytes(first.as_bytes(), "1.eml")
    reply = messages.plain("Re: Cannot print payslips", GMAIL_STYLE, in_reply_to="<t1@example.com>")
    outcome = mail.import_bytes(reply.as_bytes(), "2.eml")
    assert outcome.result == ImportResult.THREADED
    note = context.incidents.get(outcome.incident_id).notes[-1].body
    assert note.endswith(f"Still broken, see below.\n\n{LEFT_OUT}")
    assert "spooler" not in note
