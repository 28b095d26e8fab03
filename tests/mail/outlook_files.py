"""Outlook .msg files written for the tests with extract-msg's own OLE writer (MS-OXMSG layout)."""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime

import compressed_rtf
from extract_msg import OleWriter

PT_LONG = 0x0003
PT_SYSTIME = 0x0040
PT_UNICODE = 0x001F
PT_BINARY = 0x0102
# FILETIME counts 100 ns steps from 1601-01-01.
FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)


@dataclass
class OutlookAttachment:
    filename: str
    data: bytes
    mime_type: str = "application/octet-stream"
    content_id: str | None = None


@dataclass
class OutlookMessage:
    subject: str
    sender_name: str
    sender_email: str
    body: str | None = None
    html_body: str | None = None
    rtf_body: bytes | None = None  # stored compressed (PR_RTF_COMPRESSED), as Outlook does
    message_id: str | None = None
    in_reply_to: str | None = None
    sent: datetime = field(default_factory=lambda: datetime(2026, 11, 20, 9, 30, tzinfo=UTC))
    attachments: list[OutlookAttachment] = field(default_factory=list)


def build_msg(message: OutlookMessage) -> bytes:
    writer = OleWriter()
    strings = {
        0x001A: "IPM.Note",
        0x0037: message.subject,
        0x0C1A: message.sender_name,
        0x0C1E: "SMTP",
        0x0C1F: message.sender_email,
        0x5D01: message.sender_email,
        0x1000: message.body,
        0x1035: message.message_id,
        0x1042: message.in_reply_to,
    }
    props: list[bytes] = []
    for prop_id, value in strings.items():
        if value is not None:
            props.append(_string_property(writer, "", prop_id, value))
    if message.html_body is not None:
        data = message.html_body.encode("utf-8")
        writer.addEntry(f"__substg1.0_{0x1013:04X}{PT_BINARY:04X}", data)
        props.append(_variable_entry(0x1013, PT_BINARY, len(data)))
    if message.rtf_body is not None:
        data = compressed_rtf.compress(message.rtf_body)
        writer.addEntry(f"__substg1.0_{0x1009:04X}{PT_BINARY:04X}", data)
        props.append(_variable_entry(0x1009, PT_BINARY, len(data)))
    for prop_id in (0x0039, 0x0E06):  # submit and delivery time
        props.append(_fixed_entry(prop_id, PT_SYSTIME, _filetime(message.sent)))
    writer.addEntry("__nameid_version1.0", storage=True)
    for stream in ("00020102", "00030102", "00040102"):
        writer.addEntry(f"__nameid_version1.0/__substg1.0_{stream}", b"")
    for index, attachment in enumerate(message.attachments):
        _add_attachment(writer, index, attachment)
    header = struct.pack("<8xIIII8x", 0, len(message.attachments), 0, len(message.attachments))
    writer.addEntry("__properties_version1.0", header + b"".join(props))
    sink = io.BytesIO()
    writer.write(sink)
    return sink.getvalue()


def _add_attachment(writer: OleWriter, index: int, attachment: OutlookAttachment) -> None:
    storage = f"__attach_version1.0_#{index:08X}"
    writer.addEntry(storage, storage=True)
    props = [_fixed_entry(0x3705, PT_LONG, struct.pack("<I", 1))]  # ATTACH_BY_VALUE
    props.append(_fixed_entry(0x0E21, PT_LONG, struct.pack("<I", index)))
    writer.addEntry(f"{storage}/__substg1.0_{0x3701:04X}{PT_BINARY:04X}", attachment.data)
    props.append(_variable_entry(0x3701, PT_BINARY, len(attachment.data)))
    for prop_id, value in (
        (0x3707, attachment.filename),
        (0x3704, attachment.filename[:12]),
        (0x3001, attachment.filename),
        (0x370E, attachment.mime_type),
        (0x3712, attachment.content_id),
    ):
        if value is not None:
            props.append(_string_property(writer, f"{storage}/", prop_id, value))
    writer.addEntry(f"{storage}/__properties_version1.0", b"\0" * 8 + b"".join(props))


def _string_property(writer: OleWriter, prefix: str, prop_id: int, value: str) -> bytes:
    data = value.encode("utf-16-le")
    writer.addEntry(f"{prefix}__substg1.0_{prop_id:04X}{PT_UNICODE:04X}", data)
    return _variable_entry(prop_id, PT_UNICODE, len(data) + 2)


def _variable_entry(prop_id: int, prop_type: int, size: int) -> bytes:
    return struct.pack("<IIII", (prop_id << 16) | prop_type, 0x6, size, 0)


def _fixed_entry(prop_id: int, prop_type: int, value: bytes) -> bytes:
    return struct.pack("<II", (prop_id << 16) | prop_type, 0x6) + value.ljust(8, b"\0")


def _filetime(moment: datetime) -> bytes:
    return struct.pack("<Q", int((moment - FILETIME_EPOCH).total_seconds() * 10_000_000))
