"""Hypothesis: mutated real messages never make the parser or the importer raise.

The parser either returns a message or a MailParseError with a reason; the importer turns every
file into an outcome (created, threaded, duplicate, quarantined) and leaves the database usable.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.context import AppContext
from desktop_app.domain.mail import ImportResult
from desktop_app.mail.formats import parse_email
from desktop_app.mail.message import MailParseError, ParsedMessage
from tests.mail import messages
from tests.mail.outlook_files import OutlookAttachment, OutlookMessage, build_msg

SEEDS = [
    messages.plain().as_bytes(),
    messages.alternative().as_bytes(),
    messages.html_only().as_bytes(),
    messages.with_inline_image().as_bytes(),
    messages.with_attached_email()[0].as_bytes(),
    messages.latin_charsets(),
    messages.lying_charset(),
    messages.broken_base64(),
    messages.missing_headers(),
    build_msg(
        OutlookMessage(
            subject="Fuzz",
            sender_name="A",
            sender_email="a@example.com",
            body="body",
            attachments=[OutlookAttachment("a.txt", b"abc", "text/plain")],
        )
    ),
]
# Bytes that matter to MIME: boundaries, encodings, header folding, encoded words, brackets.
TOKENS = [
    b"\r\n",
    b"\n\n",
    b"--",
    b"=?utf-8?b?",
    b"?=",
    b'Content-Type: multipart/mixed; boundary="X"\r\n',
    b"Content-Transfer-Encoding: base64\r\n",
    b'charset="x-bogus"',
    b"<",
    b">",
    b"\x00",
    b"\xff\xfe",
    b";filename*=utf-8''%FF%FE",
    b"\t",
    b"=\r\n",
]

FUZZ_SETTINGS = settings(
    max_examples=int(os.environ.get("MAIL_FUZZ_EXAMPLES", "150")),
    deadline=None,
    database=None,
    # CI replays the same examples every run, so a submission lands or fails on its own merits.
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)


@st.composite
def mutated_message(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        position = draw(st.integers(min_value=0, max_value=len(data)))
        operation = draw(st.sampled_from(["flip", "insert", "delete", "token", "truncate", "duplicate"]))
        if operation == "flip" and position < len(data):
            data[position] = draw(st.integers(min_value=0, max_value=255))
        elif operation == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=16))
        elif operation == "delete":
            del data[position : position + draw(st.integers(min_value=1, max_value=64))]
        elif operation == "token":
            data[position:position] = draw(st.sampled_from(TOKENS))
        elif operation == "truncate":
            del data[position:]
        elif operation == "duplicate":
            data[position:position] = data[max(0, position - 200) : position]
    return bytes(data)


@FUZZ_SETTINGS
@given(mutated_message())
def test_the_parser_returns_a_message_or_a_reason(data: bytes) -> None:
    try:
        parsed = parse_email(data)
    except MailParseError as refused:
        reason = str(refused)
        assert reason, "a refusal names its reason"
        return
    assert isinstance(parsed, ParsedMessage)
    for text in (parsed.subject, parsed.body):
        assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in text)


@settings(FUZZ_SETTINGS, max_examples=int(os.environ.get("MAIL_FUZZ_IMPORTS", "40")))
@given(st.lists(mutated_message(), min_size=1, max_size=3))
def test_no_exception_escapes_the_importer(context: AppContext, batch: list[bytes]) -> None:
    outcomes = [context.mail.import_bytes(data, f"fuzz-{index}.eml") for index, data in enumerate(batch)]
    for outcome in outcomes:
        assert outcome.result != ImportResult.FAILED, outcome.reason
        if outcome.result == ImportResult.QUARANTINED:
            assert outcome.reason
        else:
            assert outcome.incident_number is not None
    context.incidents.count()  # the database is still usable
