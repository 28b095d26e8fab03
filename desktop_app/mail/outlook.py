"""Outlook ``.msg`` files (OLE compound documents) through extract-msg."""

from __future__ import annotations

import logging
import mimetypes
from datetime import UTC, datetime
from typing import Any

import extract_msg
from extract_msg.exceptions import ExMsgBaseException

from desktop_app.mail.charsets import decode_text
from desktop_app.mail.headers import first_message_id, message_ids, one_line, parse_sender, without_control_chars
from desktop_app.mail.html_text import html_to_text
from desktop_app.mail.message import MailParseError, MailPart, ParsedMessage

OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
# extract-msg logs every oddity of a real-world file at WARNING; the import keeps its own repair notes.
logging.getLogger("extract_msg").setLevel(logging.ERROR)


def is_outlook_file(data: bytes) -> bool:
    return data[:8] == OLE_SIGNATURE


def parse_msg(data: bytes) -> ParsedMessage:
    try:
        msg = extract_msg.openMsg(data, strict=False, delayAttachments=False)
    except (ExMsgBaseException, OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise MailParseError(f"not a readable Outlook message ({exc})") from exc
    try:
        return _read(msg)
    finally:
        msg.close()


def _read(msg: Any) -> ParsedMessage:
    repairs: list[str] = []
    if not hasattr(msg, "subject") or not hasattr(msg, "body"):
        raise MailParseError(f"an Outlook {type(msg).__name__} item is not an email")
    header = _safe(lambda: msg.header, repairs, "headers")
    sender_name, sender_address = parse_sender(_safe(lambda: msg.sender, repairs, "sender"))
    if sender_address is None:
        sender_address = _address(_safe(lambda: msg.getStringStream("__substg1.0_0C1F"), repairs, "sender address"))
    body = _safe(lambda: msg.body, repairs, "plain body") or ""
    if not body.strip():
        html = _safe(lambda: msg.htmlBody, repairs, "HTML body")
        if html:
            text, repair = decode_text(html, None) if isinstance(html, bytes) else (str(html), None)
            repairs.extend([repair] if repair else [])
            body = html_to_text(text)
    references = _safe(lambda: header.get("references") if header is not None else None, repairs, "references")
    return ParsedMessage(
        source_format="msg",
        subject=one_line(_safe(lambda: msg.subject, repairs, "subject")),
        body=without_control_chars(body).strip(),
        sender_name=sender_name,
        sender_address=sender_address,
        date=_date(_safe(lambda: msg.date, repairs, "date")),
        message_id=first_message_id(_safe(lambda: msg.messageId, repairs, "Message-ID")),
        in_reply_to=message_ids(_safe(lambda: msg.inReplyTo, repairs, "In-Reply-To")),
        references=message_ids(references or _safe(lambda: msg.getStringStream("__substg1.0_1039"), repairs, "")),
        parts=tuple(_attachments(msg, repairs)),
        repairs=tuple(dict.fromkeys(r for r in repairs if r)),
    )


def _attachments(msg: Any, repairs: list[str]) -> list[MailPart]:
    parts: list[MailPart] = []
    for index, attachment in enumerate(msg.attachments, start=1):
        data = _safe(lambda a=attachment: a.data, repairs, f"attachment {index}")
        if data is not None and not isinstance(data, bytes):
            # An attached Outlook item: keep it as its own .msg file.
            data = _safe(lambda d=data: d.exportBytes(), repairs, f"attached message {index}")
            mime_type, default_name = "application/vnd.ms-outlook", f"message-{index}.msg"
        else:
            mime_type = _safe(lambda a=attachment: a.mimetype, repairs, "") or "application/octet-stream"
            default_name = f"attachment-{index}{mimetypes.guess_extension(mime_type) or '.bin'}"
        if not data:
            continue
        name = one_line(attachment.longFilename or attachment.shortFilename or attachment.displayName or "")
        name = name.replace("\\", "/").rsplit("/", 1)[-1].strip(". ") or default_name
        content_id = _safe(lambda a=attachment: a.contentId, repairs, "")
        parts.append(
            MailPart(
                filename=name[:255],
                mime_type=mime_type,
                data=data,
                inline=bool(content_id) and mime_type.startswith("image/"),
                content_id=content_id.strip("<>") if content_id else None,
            )
        )
    return parts


def _safe(read: Any, repairs: list[str], what: str) -> Any:
    """One property of a damaged file must not cost the rest of the message."""
    try:
        return read()
    except Exception as exc:  # extract-msg raises many types on damaged streams
        if what:
            repairs.append(f"the {what} could not be read ({type(exc).__name__})")
        return None


def _address(value: str | None) -> str | None:
    return value.strip().casefold() if value and "@" in value else None


def _date(value: Any) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
