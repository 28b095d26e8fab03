"""RFC 5322 / MIME files (.eml) through the standard library's modern parser (``policy.default``)."""

from __future__ import annotations

import base64
import mimetypes
import re
from email import errors, policy
from email.message import EmailMessage, Message
from email.parser import BytesParser

from desktop_app.mail.charsets import decode_text
from desktop_app.mail.headers import (
    first_message_id,
    message_ids,
    one_line,
    parse_date,
    parse_sender,
    without_control_chars,
)
from desktop_app.mail.html_text import html_to_text
from desktop_app.mail.message import MailParseError, MailPart, ParsedMessage

# Parts deeper than this are a bomb, not a message.
MAX_DEPTH = 30
MAX_PARTS = 2_000


def parse_eml(data: bytes) -> ParsedMessage:
    if not data.strip():
        raise MailParseError("the file is empty")
    message = BytesParser(policy=policy.default).parsebytes(data)
    if not isinstance(message, EmailMessage) or not _looks_like_mail(message):
        raise MailParseError("no email headers (From, Subject, Date or Message-ID) were found")
    reader = _Reader()
    body = reader.body_and_parts(message)
    sender_name, sender_address = parse_sender(
        reader.header(message, "from") or reader.header(message, "sender") or reader.header(message, "reply-to")
    )
    return ParsedMessage(
        source_format="eml",
        subject=one_line(reader.header(message, "subject")),
        body=body,
        sender_name=sender_name,
        sender_address=sender_address,
        date=parse_date(reader.header(message, "date")),
        message_id=first_message_id(reader.header(message, "message-id")),
        in_reply_to=message_ids(reader.header(message, "in-reply-to")),
        references=message_ids(reader.header(message, "references")),
        parts=tuple(reader.parts),
        repairs=tuple(dict.fromkeys(reader.repairs)),
    )


def _looks_like_mail(message: Message) -> bool:
    names = {key.lower() for key in message}
    return bool(names & {"from", "subject", "date", "message-id", "to", "received", "mime-version"})


class _Reader:
    """Walks one message, keeping the first readable body and every other leaf part."""

    def __init__(self) -> None:
        self.parts: list[MailPart] = []
        self.repairs: list[str] = []
        self._count = 0

    def header(self, message: Message, name: str) -> str | None:
        """The decoded header; a header the modern parser chokes on falls back to its raw text."""
        try:
            value = message.get(name)
            return None if value is None else str(value)
        except Exception as exc:  # any parser bug in a header must not lose the message
            self.repairs.append(f"the {name} header could not be decoded ({type(exc).__name__})")
            for key, raw in message.raw_items():
                if key.lower() == name:
                    return str(raw)
            return None

    def body_and_parts(self, message: EmailMessage) -> str:
        leaves = list(self._leaves(message, 0))
        body_part = self._choose_body(message, leaves)
        body = self._text_of(body_part) if body_part is not None else ""
        for part in leaves:
            if part is body_part:
                continue
            if self._is_alternative_text(part):
                continue  # the other rendering of the body we already took
            self._keep(part)
        for part in (message, *leaves):
            self.repairs.extend(type(defect).__name__ for defect in getattr(part, "defects", ()))
        return without_control_chars(body).strip()

    def _leaves(self, part: Message, depth: int):  # -> Iterator[Message]
        self._count += 1
        if depth > MAX_DEPTH or self._count > MAX_PARTS:
            raise MailParseError(f"the message nests more than {MAX_DEPTH} levels or holds over {MAX_PARTS} parts")
        if part.get_content_maintype() == "multipart":
            payload = part.get_payload()
            if isinstance(payload, list) and payload:
                for child in payload:
                    yield from self._leaves(child, depth + 1)
                return
            self.repairs.append("a multipart section had no parts")
            if not isinstance(payload, str) or not payload.strip():
                return
        yield part

    def _choose_body(self, message: EmailMessage, leaves: list[Message]) -> Message | None:
        try:
            body = message.get_body(preferencelist=("plain", "html"))
        except Exception:  # malformed structure: fall back to the first text leaf
            body = None
        if body is not None and body.get_content_maintype() == "multipart":
            body = None
        if body is not None and body in leaves:
            return body
        for part in leaves:
            if part.get_content_type() in ("text/plain", "text/html") and not _is_attachment(part):
                return part
        return None

    def _is_alternative_text(self, part: Message) -> bool:
        return part.get_content_type() in ("text/plain", "text/html") and not _is_attachment(part)

    def _text_of(self, part: Message) -> str:
        raw = _payload_bytes(part)
        text, repair = decode_text(raw, part.get_content_charset())
        if repair:
            self.repairs.append(repair)
        if part.get_content_type() == "text/html":
            return html_to_text(text)
        return text

    def _keep(self, part: Message) -> None:
        mime_type = part.get_content_type()
        data = _attached_message_bytes(part) if mime_type == "message/rfc822" else _payload_bytes(part)
        if not data:
            return
        content_id = first_message_id(part.get("content-id")) if part.get("content-id") else None
        disposition = part.get_content_disposition()
        inline = disposition == "inline" or (disposition is None and content_id is not None)
        self.parts.append(
            MailPart(
                filename=self._filename(part, mime_type),
                mime_type=mime_type,
                data=data,
                inline=inline and part.get_content_maintype() == "image",
                content_id=content_id,
            )
        )

    def _filename(self, part: Message, mime_type: str) -> str:
        try:
            name = part.get_filename()
        except Exception:  # a broken RFC 2231 parameter must not lose the attachment
            name = None
        name = one_line(name).replace("\\", "/").rsplit("/", 1)[-1].strip(". ") if name else ""
        if name:
            return name[:255]
        extension = ".eml" if mime_type == "message/rfc822" else (mimetypes.guess_extension(mime_type) or ".bin")
        return f"part-{len(self.parts) + 1}{extension}"


def _is_attachment(part: Message) -> bool:
    if part.get_content_disposition() == "attachment":
        return True
    try:
        return part.get_filename() is not None
    except Exception:  # a broken parameter counts as a name
        return True


def _payload_bytes(part: Message) -> bytes:
    """The decoded content; broken base64 or quoted-printable gives what could be recovered (a defect)."""
    payload = part.get_payload(decode=True)
    if any(isinstance(defect, errors.InvalidBase64LengthDefect) for defect in part.defects):
        return _salvage_base64(part.get_payload())
    if isinstance(payload, bytes):
        return payload
    raw = part.get_payload()
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""


def _salvage_base64(encoded: object) -> bytes:
    """A base64 body cut short: decode every complete 4-character group (the stdlib gives up)."""
    text = re.sub(r"[^A-Za-z0-9+/]", "", encoded if isinstance(encoded, str) else "")
    return base64.b64decode(text[: len(text) - len(text) % 4])


def _attached_message_bytes(part: Message) -> bytes:
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    if inner is None:
        return _payload_bytes(part)
    for chosen in (policy.default, policy.compat32):
        try:
            return inner.as_bytes(policy=chosen)
        except Exception:  # the next policy is laxer
            continue
    return b""
