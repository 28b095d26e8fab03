"""Parsing real email files (no database): bodies, parts, charsets, damage, Outlook .msg."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from desktop_app.mail.formats import parse_email
from desktop_app.mail.headers import incident_number_in, title_from_subject
from desktop_app.mail.message import MailParseError
from tests.mail import messages
from tests.mail.outlook_files import OutlookAttachment, OutlookMessage, build_msg
from tests.support.images import png_bytes


def test_plain_message_gives_sender_subject_date_and_ids() -> None:
    parsed = parse_email(
        messages.plain(
            message_id="<m1@example.com>", in_reply_to="<m0@example.com>", references="<a@x> <m0@example.com>"
        ).as_bytes()
    )
    assert (parsed.sender_name, parsed.sender_address) == ("Jane Roe", "jane.roe@example.com")
    assert parsed.subject == "Printer on floor 3 jams"
    assert parsed.body.startswith("The printer jams on every page")
    assert parsed.date is not None
    assert parsed.date.isoformat() == "2026-02-20T08:30:00+00:00"
    assert parsed.message_id == "m1@example.com"
    assert parsed.thread_ids == ("m0@example.com", "a@x")
    assert parsed.parts == ()


def test_multipart_alternative_takes_the_plain_text_and_drops_the_html_copy() -> None:
    parsed = parse_email(messages.alternative().as_bytes())
    assert parsed.body == "Plain version: the VPN drops every 5 minutes."
    assert parsed.parts == ()


def test_html_only_mail_becomes_readable_text_without_markup_scripts_or_styles() -> None:
    parsed = parse_email(messages.html_only().as_bytes())
    body = parsed.body
    assert "Outlook keeps crashing" in body
    assert "Outlook closes when I open the shared calendar." in " ".join(body.split())
    assert "Windows 11" in body
    assert "Office 365" in body
    assert "PC-0412" in body
    assert "jroe" in body
    for leaked in ("<", "alert", "color: red", "ignored title", "a comment", "steal", "&nbsp;"):
        assert leaked not in body
    # Lists and table rows keep their own lines.
    assert any(line.strip().endswith("Windows 11") for line in body.splitlines())


def test_inline_image_is_kept_as_an_inline_part_with_its_content_id() -> None:
    parsed = parse_email(messages.with_inline_image().as_bytes())
    assert parsed.body == "See the screenshot below."
    [image] = parsed.parts
    assert image.inline
    assert image.mime_type == "image/png"
    assert image.content_id == "shot1@example.com"
    assert image.data == png_bytes()


def test_attached_email_is_kept_whole_as_an_eml_part() -> None:
    outer, inner = messages.with_attached_email()
    parsed = parse_email(outer.as_bytes())
    [part] = parsed.parts
    assert part.mime_type == "message/rfc822"
    assert part.filename.endswith(".eml")
    reread = message_from_bytes(part.data, policy=policy.default)
    assert reread["Subject"] == inner["Subject"]
    assert parse_email(part.data).body == "Backup failed: disk full."


@pytest.mark.parametrize(
    ("raw", "subject", "body_fragment", "repaired"),
    [
        (messages.latin_charsets(), "Принтер не работает", "Tiskárna v přízemí nefunguje", False),
        (messages.lying_charset(), "Drucker defekt", "Der Drucker im Büro funktioniert nicht – bitte prüfen", True),
        (messages.shift_jis(), "印刷できません", "三階のプリンターが印刷できません。", False),
        (messages.unknown_charset(), None, "Ein Gerät ist kaputt.", True),
    ],
    ids=["iso-8859-2+koi8-r", "declared-utf8-was-cp1252", "shift_jis+iso-2022-jp", "unknown-charset"],
)
def test_charsets_are_decoded_or_repaired(raw: bytes, subject: str | None, body_fragment: str, repaired: bool) -> None:
    parsed = parse_email(raw)
    if subject is not None:
        assert parsed.subject == subject
    assert body_fragment in parsed.body
    assert "\ufffd" not in parsed.body
    assert bool(parsed.repairs) == repaired


def test_latin_sender_name_in_an_encoded_word() -> None:
    assert parse_email(messages.latin_charsets()).sender_name == "Jiří Novák"


def test_broken_base64_is_recovered_not_fatal() -> None:
    parsed = parse_email(messages.broken_base64())
    assert "survives damage" in parsed.body
    [log] = parsed.parts
    assert log.filename == "trace.log"
    assert log.data.startswith(b"line one of the log\nline two")
    assert any("Base64" in repair for repair in parsed.repairs)


def test_missing_headers_still_parse() -> None:
    parsed = parse_email(messages.missing_headers())
    assert parsed.subject == "Anonymous report"
    assert (parsed.sender_name, parsed.sender_address, parsed.date, parsed.message_id) == (None, None, None, None)
    assert parsed.body == "Someone left the server room door open."


@pytest.mark.parametrize("data", [b"", b"   \n", b"just some words, not an email\n", bytes(range(256)) * 4])
def test_files_that_are_not_email_are_refused_with_a_reason(data: bytes) -> None:
    with pytest.raises(MailParseError) as caught:
        parse_email(data)
    assert str(caught.value)


def test_outlook_msg_file() -> None:
    data = build_msg(
        OutlookMessage(
            subject="VPN down [INC-000007]",
            sender_name="Ola Nordmann",
            sender_email="Ola@Example.no",
            body="The VPN drops every 5 minutes.",
            message_id="<msg-1@example.no>",
            in_reply_to="<orig@example.no>",
            attachments=[
                OutlookAttachment("trace.log", b"line1\nline2\n", "text/plain"),
                OutlookAttachment("shot.png", png_bytes(), "image/png", content_id="img-1"),
            ],
        )
    )
    parsed = parse_email(data)
    assert parsed.source_format == "msg"
    assert (parsed.sender_name, parsed.sender_address) == ("Ola Nordmann", "ola@example.no")
    assert parsed.subject == "VPN down [INC-000007]"
    assert parsed.body == "The VPN drops every 5 minutes."
    assert (parsed.message_id, parsed.in_reply_to) == ("msg-1@example.no", ("orig@example.no",))
    assert parsed.date is not None
    assert parsed.date.isoformat() == "2026-11-20T09:30:00+00:00"
    assert [(p.filename, p.data, p.inline) for p in parsed.parts] == [
        ("trace.log", b"line1\nline2\n", False),
        ("shot.png", png_bytes(), True),
    ]


def test_outlook_msg_with_only_an_html_body() -> None:
    data = build_msg(
        OutlookMessage(subject="HTML", sender_name="A", sender_email="a@example.com", html_body=messages.HTML_ONLY)
    )
    body = parse_email(data).body
    assert "Outlook keeps crashing" in body
    assert "alert" not in body
    assert "<" not in body


def test_outlook_msg_with_only_an_rtf_body_that_wraps_html() -> None:
    """Outlook often keeps nothing but compressed RTF with the HTML inside it (\\fromhtml1)."""
    rtf = (
        rb"{\rtf1\ansi\ansicpg1252\fromhtml1 \deff0{\fonttbl{\f0\fswiss Arial;}}"
        rb"{\*\htmltag19 <html>}{\*\htmltag34 <body>}{\*\htmltag64 <p>}The scanner on floor 2 is offline."
        rb"{\*\htmltag72 </p>}{\*\htmltag64 <p>}It shows E-17.{\*\htmltag72 </p>}{\*\htmltag42 </body>}"
        rb"{\*\htmltag27 </html>}}"
    )
    data = build_msg(OutlookMessage(subject="Scanner", sender_name="A", sender_email="a@example.com", rtf_body=rtf))
    assert parse_email(data).body == "The scanner on floor 2 is offline.\n\nIt shows E-17."


def test_damaged_outlook_file_is_refused_with_a_reason() -> None:
    data = build_msg(OutlookMessage(subject="x", sender_name="A", sender_email="a@example.com", body="b"))
    with pytest.raises(MailParseError, match="Outlook"):
        parse_email(data[:1024])


@pytest.mark.parametrize(
    ("subject", "number"),
    [("Re: [INC-000123] Printer", 123), ("inc-000042 still broken", 42), ("Printer INC-7", 7), ("PRINC-000123", None)],
)
def test_incident_number_in_subject(subject: str, number: int | None) -> None:
    assert incident_number_in(subject) == number


def test_title_drops_reply_prefixes_and_our_tag() -> None:
    assert title_from_subject("RE: AW: Fwd: [INC-000123]  Printer\tjams") == "Printer jams"
