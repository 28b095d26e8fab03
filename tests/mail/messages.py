"""Real email files for the tests: built with the standard library, and by hand where a library
would refuse to write something broken (bad base64, lying charsets, missing headers)."""

from __future__ import annotations

import base64
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from tests.support.images import png_bytes

# Before the tests' fixed clock (2026-03-02), so it is taken as the incident time.
SENT = "Fri, 20 Feb 2026 09:30:00 +0100"


def plain(
    subject: str = "Printer on floor 3 jams",
    body: str = "The printer jams on every page since this morning.\nPlease help.",
    *,
    sender: str = "Jane Roe <jane.roe@example.com>",
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: str | None = None,
    date: str = SENT,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "Service Desk <helpdesk@example.com>"
    message["Subject"] = subject
    message["Date"] = date
    message["Message-ID"] = message_id or make_msgid(domain="example.com")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    message.set_content(body)
    return message


def alternative() -> EmailMessage:
    message = plain("VPN drops every few minutes", "Plain version: the VPN drops every 5 minutes.")
    message.add_alternative(
        "<html><body><p>HTML version: the <b>VPN</b> drops every 5 minutes.</p></body></html>", subtype="html"
    )
    return message


HTML_ONLY = """<!DOCTYPE html><html><head><title>ignored title</title>
<style>p { color: red } .x { display: none }</style><script>alert('boom')</script></head>
<body><h1>Outlook keeps crashing</h1><p>Since the update, Outlook&nbsp;closes when I open the
<a href="https://intranet.example.com/cal">shared calendar</a>.</p>
<ul><li>Windows 11</li><li>Office 365</li></ul>
<table><tr><th>Machine</th><th>User</th></tr><tr><td>PC-0412</td><td>jroe</td></tr></table>
<img src="https://tracker.example.com/pixel.gif" onerror="steal()">
<!-- a comment that must not show --></body></html>"""


def html_only() -> EmailMessage:
    message = plain("Outlook crashes", "")
    message.set_content(HTML_ONLY, subtype="html")
    return message


def with_inline_image() -> EmailMessage:
    message = plain("Error dialog on login", "See the screenshot below.")
    message.add_alternative('<p>See the screenshot below.</p><img src="cid:shot1@example.com">', subtype="html")
    html_part = message.get_payload()[1]
    html_part.add_related(png_bytes(), maintype="image", subtype="png", cid="<shot1@example.com>")
    return message


def with_attached_email() -> tuple[EmailMessage, EmailMessage]:
    inner = plain("Original warning from the backup job", "Backup failed: disk full.", sender="backup@example.com")
    outer = plain("Fwd: backup warning", "Forwarding the warning below.")
    outer.add_attachment(inner)
    return outer, inner


def with_log_attachment() -> EmailMessage:
    message = plain("App error", "Log attached.")
    message.add_attachment(b"2026-11-20 ERROR something broke\n", maintype="text", subtype="plain", filename="app.log")
    return message


def with_refused_attachment() -> EmailMessage:
    message = plain("Please run this", "Attached the tool.")
    message.add_attachment(
        b"MZ\x90\x00" + bytes(200), maintype="application", subtype="x-msdownload", filename="fix.exe"
    )
    return message


def raw(headers: list[str], body: bytes, header_encoding: str = "ascii") -> bytes:
    """A message written byte by byte: CRLF line ends, the header lines exactly as given."""
    return ("\r\n".join(headers) + "\r\n\r\n").encode(header_encoding) + body


def latin_charsets() -> bytes:
    """Czech text in ISO-8859-2 and a KOI8-R encoded-word subject."""
    body = "Tiskárna v přízemí nefunguje, hlásí chybu papíru.".encode("iso-8859-2")
    subject = "=?koi8-r?b?" + base64.b64encode("Принтер не работает".encode("koi8-r")).decode() + "?="
    return raw(
        [
            "From: =?iso-8859-2?q?Ji=F8=ED_Nov=E1k?= <jiri.novak@example.cz>",
            f"Subject: {subject}",
            f"Date: {SENT}",
            "Message-ID: <charset-1@example.cz>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=iso-8859-2",
            "Content-Transfer-Encoding: 8bit",
        ],
        body,
    )


def lying_charset() -> bytes:
    """Declared UTF-8, written in Windows-1252 (a common Outlook-through-gateway accident)."""
    return raw(
        [
            "From: Zoë Müller <zoe@example.de>",
            "Subject: Drucker defekt",
            f"Date: {SENT}",
            "Message-ID: <lying-1@example.de>",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
        ],
        "Der Drucker im Büro funktioniert nicht – bitte prüfen. Grüße, Zoë".encode("cp1252"),
        header_encoding="cp1252",  # raw 8-bit header too, as such gateways send it
    )


def unknown_charset() -> bytes:
    return raw(
        [
            "From: someone@example.org",
            "Subject: =?x-no-such-charset?q?Hello?=",
            "Message-ID: <unknown-charset@example.org>",
            "Content-Type: text/plain; charset=x-no-such-charset",
        ],
        "Ein Gerät ist kaputt.".encode(),
    )


def shift_jis() -> bytes:
    return raw(
        [
            "From: Taro Yamada <taro@example.jp>",
            "Subject: =?iso-2022-jp?b?" + base64.b64encode("印刷できません".encode("iso-2022-jp")).decode() + "?=",
            "Message-ID: <sjis-1@example.jp>",
            "Content-Type: text/plain; charset=shift_jis",
            "Content-Transfer-Encoding: 8bit",
        ],
        "三階のプリンターが印刷できません。".encode("shift_jis"),
    )


def broken_base64() -> bytes:
    """A base64 body with a bad character and missing padding, and an attachment cut short."""
    body = base64.b64encode(b"Base64 body that survives damage.").decode()
    damaged_body = body[:8] + "!!" + body[8:].rstrip("=")
    attachment = base64.b64encode(b"line one of the log\nline two of the log\n").decode()[:-7]
    return raw(
        [
            "From: Broken Client <broken@example.net>",
            "Subject: Broken base64",
            "Message-ID: <b64-1@example.net>",
            "MIME-Version: 1.0",
            'Content-Type: multipart/mixed; boundary="XYZ"',
        ],
        (
            "--XYZ\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            f"{damaged_body}\r\n"
            "--XYZ\r\nContent-Type: text/plain; name=trace.log\r\n"
            "Content-Disposition: attachment; filename=trace.log\r\n"
            f"Content-Transfer-Encoding: base64\r\n\r\n{attachment}\r\n--XYZ--\r\n"
        ).encode("ascii"),
    )


def missing_headers() -> bytes:
    """No From, no Date, no Message-ID: only a subject and a body."""
    return raw(["Subject: Anonymous report"], b"Someone left the server room door open.\r\n")


def no_subject_no_sender() -> bytes:
    return raw(["Date: " + SENT, "Content-Type: text/plain"], b"Wifi in room 12 is down again.\r\n")


def thread() -> list[EmailMessage]:
    """A report, the reporter's reply to our acknowledgement, and a third reply with only References."""
    first = plain(
        "Cannot print payslips", "Payslip printing fails with error 0x80070005.", message_id="<t1@example.com>"
    )
    second = plain(
        "Re: Cannot print payslips",
        "It also happens on the second floor.",
        message_id="<t2@example.com>",
        in_reply_to="<t1@example.com>",
        references="<t1@example.com>",
    )
    third = plain(
        "Still broken",
        "Any news? Payroll runs tomorrow.",
        message_id="<t3@example.com>",
        references="<t1@example.com> <t2@example.com>",
    )
    return [first, second, third]


def huge(path: Path, megabytes: int = 60) -> None:
    """A real MIME message over the size limit, written in chunks to a temp file (never committed)."""
    line = base64.b64encode(bytes(range(57)))  # 76 characters per line, as MIME writes them
    with open(path, "wb") as handle:
        handle.write(
            raw(
                [
                    "From: Big Sender <big@example.com>",
                    "Subject: Huge log dump",
                    "Message-ID: <huge-1@example.com>",
                    "MIME-Version: 1.0",
                    'Content-Type: multipart/mixed; boundary="B"',
                ],
                b"--B\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n--B\r\n"
                b"Content-Type: application/octet-stream; name=dump.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n",
            )
        )
        chunk = (line + b"\r\n") * 10_000
        for _ in range(megabytes * 1024 * 1024 // len(chunk) + 1):
            handle.write(chunk)
        handle.write(b"--B--\r\n")
