"""One entry point for any email file: sniff the format, parse, and never let a parser bug escape."""

from __future__ import annotations

from desktop_app.mail.eml import parse_eml
from desktop_app.mail.message import MailParseError, ParsedMessage
from desktop_app.mail.outlook import is_outlook_file, parse_msg


def parse_email(data: bytes) -> ParsedMessage:
    """Parse ``.eml`` or ``.msg`` bytes; every failure becomes a MailParseError with a reason."""
    try:
        return parse_msg(data) if is_outlook_file(data) else parse_eml(data)
    except MailParseError:
        raise
    except RecursionError as exc:
        raise MailParseError("the message is nested too deeply to read") from exc
    except Exception as exc:  # the importer quarantines; it must never crash on one file
        raise MailParseError(f"the message cannot be parsed ({type(exc).__name__}: {exc})") from exc
