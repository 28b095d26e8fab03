"""Email reports into incidents: one transaction per message, replies threaded, bad mail quarantined.

A message becomes a new incident (channel email, the sender as reporter, the original file kept as
an attachment for audit), or a communication note on the incident it answers. Anything wrong with
one message quarantines that message with a reason and the import goes on with the next one.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.domain.dtos import IncidentDraft, ReporterDraft
from desktop_app.domain.enums import Channel, NoteKind, Status
from desktop_app.domain.errors import DatabaseError, HelpdeskError
from desktop_app.domain.ids import format_number
from desktop_app.domain.limits import DESCRIPTION_MAX, NAME_MAX, NOTE_MAX, TITLE_MAX, title_from_description
from desktop_app.domain.mail import (
    MEGABYTE,
    ImportOutcome,
    ImportResult,
    MailImportOptions,
    QuarantineEntry,
    mail_options,
)
from desktop_app.domain.status_machine import is_read_only
from desktop_app.mail.files import email_files
from desktop_app.mail.formats import parse_email
from desktop_app.mail.headers import incident_number_in, title_from_subject
from desktop_app.mail.message import MailParseError, ParsedMessage
from desktop_app.mail.quotes import reply_text
from desktop_app.models import Incident, MailMessage, Reporter
from desktop_app.services.incident_service import IncidentService
from desktop_app.services.mail_folder_watch import sweep_folder
from desktop_app.services.mail_quarantine import QuarantineStore
from desktop_app.services.reporter_service import EMAIL_PATTERN
from desktop_app.services.transaction import ServiceBase, ServiceEnv, WriteScope

__all__ = ["MailImportOptions", "MailImportService", "mail_options"]  # the options live in the domain

REOPEN_REASON = "The reporter replied by email after the incident was resolved."
ProgressCallback = Callable[[int, int, ImportOutcome], None]
# Files read and parsed ahead of the one being stored: enough to hide the parsing behind the commit's
# disk wait, few enough that memory stays within a handful of messages at the size limit.
LOOKAHEAD = 3
READ_AHEAD_MAX_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class _Loaded:
    """One file after reading and parsing: a message to store, or why it goes to quarantine."""

    source: str
    data: bytes | None = None
    parsed: ParsedMessage | None = None
    file: Path | None = None
    size: int | None = None
    problem: str | None = None  # quarantine with this reason
    failure: str | None = None  # not the message's fault: report, keep nothing


class AttachmentSink(Protocol):
    """The attachment store's in-transaction entry point (AttachmentService.attach_in)."""

    def attach_in(
        self,
        scope: WriteScope,
        incident_id: uuid.UUID,
        data: bytes,
        display_name: str,
        *,
        caption: str | None = None,
        mime_type: str | None = None,
    ) -> object: ...


class MailImportService(ServiceBase):
    def __init__(
        self,
        env: ServiceEnv,
        incidents: IncidentService,
        attachments: AttachmentSink,
        quarantine_dir: Path,
        options: MailImportOptions | None = None,
    ) -> None:
        super().__init__(env)
        self.incidents = incidents
        self.attachments = attachments
        self.options = options or MailImportOptions()
        self.quarantine = QuarantineStore(env, quarantine_dir)

    # --- imports -------------------------------------------------------------------------

    def import_paths(
        self,
        paths: Iterable[str | Path],
        *,
        progress: ProgressCallback | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> list[ImportOutcome]:
        """Files as given and folders recursively; stops between messages when ``cancelled()`` says so.

        The next few files are read and parsed on a helper thread while this one waits on the disk
        for the current message's commit; storing stays here, one message at a time, in order.
        """
        files = email_files(paths)
        outcomes: list[ImportOutcome] = []
        upcoming = iter(files)
        # A large file is not read ahead (it waits as a path): memory stays near one large message.
        pending: deque[Future[_Loaded] | Path] = deque()
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="mail-parse") as pool:

            def refill() -> None:
                while len(pending) < LOOKAHEAD and (path := next(upcoming, None)) is not None:
                    pending.append(pool.submit(self._load_file, path) if _small(path) else path)

            refill()
            while pending:
                if cancelled is not None and cancelled():
                    for waiting in pending:
                        if isinstance(waiting, Future):
                            waiting.cancel()
                    break
                head = pending.popleft()
                loaded = head.result() if isinstance(head, Future) else self._load_file(head)
                refill()
                outcomes.append(self._commit(loaded))
                if progress is not None:
                    progress(len(outcomes), len(files), outcomes[-1])
        return outcomes

    def import_file(self, path: str | Path) -> ImportOutcome:
        return self._commit(self._load_file(Path(path)))

    def import_bytes(self, data: bytes, source: str, *, retry_of: uuid.UUID | None = None) -> ImportOutcome:
        """Import one message; never raises for anything the message itself holds."""
        return self._commit(self._load_bytes(data, source), retry_of=retry_of)

    def _load_file(self, path: Path) -> _Loaded:
        """Read and parse, without touching the database (runs on the helper thread)."""
        source = str(path)
        try:
            size = path.stat().st_size
            # Checked before reading a byte: one huge message must not stall the import (FreeScout #4293).
            if size > self.options.size_limit:
                return _Loaded(source, file=path, size=size, problem=self._too_large(size))
            data = path.read_bytes()
        except OSError as exc:
            return _Loaded(source, failure=f"the file cannot be read ({exc.strerror or exc})")
        return self._load_bytes(data, source)

    def _load_bytes(self, data: bytes, source: str) -> _Loaded:
        if len(data) > self.options.size_limit:
            return _Loaded(source, data=data, problem=self._too_large(len(data)))
        try:
            return _Loaded(source, data=data, parsed=parse_email(data))
        except MailParseError as exc:
            return _Loaded(source, data=data, problem=f"not a readable email: {exc}")

    def _commit(self, loaded: _Loaded, *, retry_of: uuid.UUID | None = None) -> ImportOutcome:
        source, data, parsed = loaded.source, loaded.data, loaded.parsed
        if loaded.failure is not None:
            return ImportOutcome(source, ImportResult.FAILED, reason=loaded.failure)
        if loaded.problem is not None or parsed is None or data is None:
            reason = loaded.problem or "the message could not be read"
            return self._quarantined(source, reason, file=loaded.file, data=data, size=loaded.size, retry_of=retry_of)
        raw_sha256 = hashlib.sha256(data).hexdigest()
        message_id = parsed.message_id or f"sha256-{raw_sha256}@no-message-id.invalid"
        try:
            with self._write() as scope:
                outcome = self._store(scope, parsed, data, source, message_id, raw_sha256)
        except DatabaseError as exc:
            return ImportOutcome(source, ImportResult.FAILED, reason=exc.message, message_id=message_id)
        except HelpdeskError as exc:  # an attachment or a field broke a rule: the whole message waits
            return self._quarantined(source, exc.message, data=data, retry_of=retry_of, message_id=message_id)
        if retry_of is not None:
            self.quarantine.release(retry_of)
        return outcome

    def sweep_folder(self, folder: Path, *, cancelled: Callable[[], bool] | None = None) -> list[ImportOutcome]:
        """The watched folder: import what settled there, then move each file to imported/ or quarantine/."""
        return sweep_folder(self, folder, cancelled=cancelled)

    # --- quarantine ----------------------------------------------------------------------

    def list_quarantine(self) -> list[QuarantineEntry]:
        return self.quarantine.list()

    def retry(self, quarantine_id: uuid.UUID) -> ImportOutcome:
        """Import a quarantined message again (after a rule or the size limit changed)."""
        entry = self.quarantine.get(quarantine_id)
        stored = Path(entry.stored_path)
        try:
            size = stored.stat().st_size
            if size > self.options.size_limit:
                return self._quarantined(entry.original_name, self._too_large(size), retry_of=entry.id)
            data = stored.read_bytes()
        except OSError as exc:
            return ImportOutcome(entry.original_name, ImportResult.FAILED, reason=f"the kept file is gone ({exc})")
        return self.import_bytes(data, entry.original_name, retry_of=entry.id)

    def discard(self, quarantine_id: uuid.UUID) -> None:
        self.quarantine.discard(quarantine_id)

    # --- helpers -------------------------------------------------------------------------

    def _too_large(self, size: int) -> str:
        return f"the message is {size / MEGABYTE:.1f} MB; the limit is {self.options.size_limit_mb} MB"

    def _quarantined(
        self,
        source: str,
        reason: str,
        *,
        file: Path | None = None,
        data: bytes | None = None,
        size: int | None = None,
        retry_of: uuid.UUID | None = None,
        message_id: str | None = None,
    ) -> ImportOutcome:
        try:
            entry_id = self.quarantine.keep(source, reason, file=file, data=data, size=size, retry_of=retry_of)
        except (DatabaseError, OSError) as exc:
            return ImportOutcome(source, ImportResult.FAILED, reason=f"{reason}; it could not be kept aside ({exc})")
        return ImportOutcome(
            source, ImportResult.QUARANTINED, reason=reason, quarantine_id=entry_id, message_id=message_id
        )

    def _store(
        self, scope: WriteScope, parsed: ParsedMessage, raw: bytes, source: str, message_id: str, raw_sha256: str
    ) -> ImportOutcome:
        session = scope.session
        earlier = session.scalar(select(MailMessage).where(MailMessage.message_id == message_id))
        if earlier is not None:
            number = session.scalar(select(Incident.number).where(Incident.id == earlier.incident_id))
            return ImportOutcome(
                source,
                ImportResult.DUPLICATE,
                reason=f"Message-ID <{message_id}> was imported before",
                incident_id=earlier.incident_id,
                incident_number=format_number(number),
                message_id=message_id,
            )
        target = _thread_target(session, parsed)
        reopened = False
        note_id: uuid.UUID | None = None
        reason: str | None = None
        if target is not None and is_read_only(Status(target.status)):
            reason = (
                f"{format_number(target.number)} is {Status(target.status).label.lower()}; a new incident was opened"
            )
            incident = self._create(scope, parsed, follow_up_of=target)
            result = ImportResult.CREATED
        elif target is not None:
            if target.status == Status.RESOLVED.value and self.options.reopen_resolved:
                self.incidents.change_status_in(scope, target.id, Status.IN_PROGRESS, reason=REOPEN_REASON)
                reopened = True
            note_id = self.incidents.add_note_in(scope, target.id, _note_text(parsed), NoteKind.COMMUNICATION).id
            incident = target
            result = ImportResult.THREADED
        else:
            incident = self._create(scope, parsed, follow_up_of=None)
            result = ImportResult.CREATED
        stored = self._attach_all(scope, incident.id, parsed, raw)
        session.add(
            MailMessage(
                id=scope.env.ids(),
                message_id=message_id,
                incident_id=incident.id,
                note_id=note_id,
                raw_sha256=raw_sha256,
                imported_at=scope.now,
            )
        )
        session.flush()
        return ImportOutcome(
            source,
            result,
            reason=reason,
            incident_id=incident.id,
            incident_number=format_number(incident.number),
            message_id=message_id,
            reopened=reopened,
            attachments=stored,
            repairs=parsed.repairs,
        )

    def _create(self, scope: WriteScope, parsed: ParsedMessage, *, follow_up_of: Incident | None) -> Incident:
        body = parsed.body or "(The message has no text.)"
        if follow_up_of is not None:
            body = f"Follow-up to {format_number(follow_up_of.number)}, which is closed.\n\n{body}"
        title = _cut(title_from_subject(parsed.subject) or title_from_description(body), TITLE_MAX)
        reporter_id, new_reporter = _reporter_for(scope.session, parsed)
        occurred = min(parsed.date, scope.now) if parsed.date is not None else None
        draft = IncidentDraft(
            description=_cut(body, DESCRIPTION_MAX, note=" [shortened; the full message is attached]"),
            title=title or "Email without a subject",
            reporter_id=reporter_id,
            new_reporter=new_reporter,
            channel=Channel.EMAIL,
            occurred_at=occurred,
        )
        return self.incidents.create_in(scope, draft)

    def _attach_all(self, scope: WriteScope, incident_id: uuid.UUID, parsed: ParsedMessage, raw: bytes) -> int:
        """Every attachment and inline image, then the original message itself (for audit)."""
        for part in parsed.parts:
            caption = "Inline image from the email" if part.inline else "Attached to the email"
            self.attachments.attach_in(
                scope, incident_id, part.data, part.filename, caption=caption, mime_type=part.mime_type
            )
        original_name, original_type = (
            ("original-message.msg", "application/vnd.ms-outlook")
            if parsed.source_format == "msg"
            else ("original-message.eml", "message/rfc822")
        )
        caption = f"Original email{f': {parsed.subject}' if parsed.subject else ''}"
        self.attachments.attach_in(
            scope, incident_id, raw, original_name, caption=_cut(caption, 500), mime_type=original_type
        )
        return len(parsed.parts) + 1


def _small(path: Path) -> bool:
    try:
        return path.stat().st_size <= READ_AHEAD_MAX_BYTES
    except OSError:
        return True  # the load reports the error in its turn


def _thread_target(session: Session, parsed: ParsedMessage) -> Incident | None:
    """The incident named in the subject, else the one whose stored Message-ID this answers."""
    number = incident_number_in(parsed.subject)
    if number is not None:
        incident = session.scalar(select(Incident).where(Incident.number == number))
        if incident is not None:
            return incident
    ids = parsed.thread_ids
    if not ids:
        return None
    stmt = select(MailMessage.message_id, MailMessage.incident_id).where(MailMessage.message_id.in_(ids))
    rows = {row.message_id: row.incident_id for row in session.execute(stmt)}
    for message_id in ids:  # the most specific reference wins
        if message_id in rows:
            return session.get(Incident, rows[message_id])
    return None


def _reporter_for(session: Session, parsed: ParsedMessage) -> tuple[uuid.UUID | None, ReporterDraft | None]:
    address = parsed.sender_address
    if address and not EMAIL_PATTERN.match(address):
        address = None
    if address:
        found = session.scalar(select(Reporter.id).where(Reporter.email == address).limit(1))
        if found is not None:
            return found, None
    name = parsed.sender_name or (address.split("@", 1)[0] if address else None)
    if not name:
        return None, None
    return None, ReporterDraft(name=_cut(name, NAME_MAX), email=address)


def _note_text(parsed: ParsedMessage) -> str:
    sender = parsed.sender_name or parsed.sender_address or "an unknown sender"
    if parsed.sender_name and parsed.sender_address:
        sender = f"{parsed.sender_name} <{parsed.sender_address}>"
    when = f" on {parsed.date:%Y-%m-%d %H:%M} UTC" if parsed.date else ""
    heading = f"Email from {sender}{when}: {parsed.subject or '(no subject)'}"
    text = reply_text(parsed.body, parsed.subject) if parsed.body else "(The message has no text.)"
    return _cut(f"{heading}\n\n{text}", NOTE_MAX, note=" [shortened]")


def _cut(text: str, limit: int, note: str = "…") -> str:
    return text if len(text) <= limit else text[: limit - len(note)].rstrip() + note
