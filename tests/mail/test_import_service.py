"""Email files into incidents on a real SQLite file: create, thread, duplicates, reopen, quarantine."""

from __future__ import annotations

from pathlib import Path

from desktop_app.context import AppContext
from desktop_app.domain.enums import Channel, NoteKind, Status
from desktop_app.domain.ids import format_number
from desktop_app.domain.mail import ImportResult
from desktop_app.services.mail_import_service import MailImportService
from tests.mail import messages
from tests.mail.conftest import incident_count, outbox_names
from tests.mail.outlook_files import OutlookAttachment, OutlookMessage, build_msg
from tests.support import builders
from tests.support.images import png_bytes


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def test_a_report_becomes_an_email_incident_with_the_sender_as_new_reporter(
    context: AppContext, mail: MailImportService, inbox: Path
) -> None:
    raw = messages.with_inline_image().as_bytes()
    before = outbox_names(context)
    outcome = mail.import_file(write(inbox, "report.eml", raw))

    assert outcome.result == ImportResult.CREATED, outcome
    detail = context.incidents.get(outcome.incident_id)
    assert detail.channel == Channel.EMAIL
    assert detail.title == "Error dialog on login"
    assert detail.description == "See the screenshot below."
    assert detail.reporter is not None
    assert detail.reporter.email == "jane.roe@example.com"
    assert detail.reporter.name == "Jane Roe"
    assert detail.occurred_at.isoformat() == "2026-02-20T08:30:00+00:00"
    files = {a.display_name: a for a in context.attachments.list_for(detail.id)}
    assert set(files) == {"part-1.png", "original-message.eml"}
    assert files["part-1.png"].mime_type == "image/png"
    assert files["original-message.eml"].size == len(raw)
    # Everything syncs through the ordinary mutations, in this one transaction.
    added = outbox_names(context)[len(before) :]
    assert added == ["create_reporter", "create_incident", "attach_file", "attach_file"]


def test_a_known_sender_is_matched_whatever_the_case_of_the_address(
    context: AppContext, mail: MailImportService, make_reporter
) -> None:
    known = make_reporter("Jane Roe (Payroll)", email="jane.roe@example.com")
    message = messages.plain(sender="J. ROE <Jane.Roe@Example.COM>")
    outcome = mail.import_bytes(message.as_bytes(), "a.eml")
    assert context.incidents.get(outcome.incident_id).reporter.id == known.id
    assert context.reporters.count() == 1  # no second reporter


def test_importing_the_same_message_twice_does_nothing_the_second_time(
    context: AppContext, mail: MailImportService
) -> None:
    raw = messages.plain(message_id="<same@example.com>").as_bytes()
    first = mail.import_bytes(raw, "a.eml")
    before = outbox_names(context)
    second = mail.import_bytes(raw, "a-copy.eml")
    assert second.result == ImportResult.DUPLICATE
    assert second.incident_number == first.incident_number
    assert "same@example.com" in second.reason
    assert outbox_names(context) == before
    assert incident_count(context) == 1


def test_a_message_without_message_id_is_still_recognised_when_imported_again(mail: MailImportService) -> None:
    raw = messages.missing_headers()
    assert mail.import_bytes(raw, "a.eml").result == ImportResult.CREATED
    assert mail.import_bytes(raw, "a.eml").result == ImportResult.DUPLICATE


def test_a_reply_thread_of_three_messages_lands_on_one_incident(context: AppContext, mail: MailImportService) -> None:
    outcomes = [mail.import_bytes(m.as_bytes(), f"{i}.eml") for i, m in enumerate(messages.thread())]
    assert [o.result for o in outcomes] == [ImportResult.CREATED, ImportResult.THREADED, ImportResult.THREADED]
    assert len({o.incident_id for o in outcomes}) == 1
    assert incident_count(context) == 1
    notes = [n for n in context.incidents.get(outcomes[0].incident_id).notes if n.kind == NoteKind.COMMUNICATION]
    assert [n.body.split("\n\n", 1)[1] for n in notes] == [
        "It also happens on the second floor.",
        "Any news? Payroll runs tomorrow.",
    ]
    assert notes[0].body.startswith("Email from Jane Roe <jane.roe@example.com> on 2026-02-20 08:30 UTC")
    # Each reply keeps its original as an attachment too.
    assert len(context.attachments.list_for(outcomes[0].incident_id)) == 3


def test_the_incident_number_in_the_subject_threads_without_any_references(
    context: AppContext, mail: MailImportService, make_incident
) -> None:
    incident = make_incident()
    message = messages.plain(f"Re: [{format_number(incident.number)}] what is the status?", "Any update?")
    outcome = mail.import_bytes(message.as_bytes(), "reply.eml")
    assert outcome.result == ImportResult.THREADED
    assert outcome.incident_id == incident.id
    assert context.incidents.get(incident.id).notes[-1].kind == NoteKind.COMMUNICATION


def test_a_reply_to_a_resolved_incident_reopens_it(context: AppContext, mail: MailImportService, make_incident) -> None:
    incident = builders.resolve(context, make_incident())
    outcome = mail.import_bytes(
        messages.plain(f"RE: {format_number(incident.number)}", "Broken again.").as_bytes(), "r.eml"
    )
    assert outcome.result == ImportResult.THREADED
    assert outcome.reopened
    assert context.incidents.get(incident.id).status == Status.IN_PROGRESS


def test_the_setting_can_keep_a_resolved_incident_resolved(
    context: AppContext, mail: MailImportService, make_incident
) -> None:
    mail.options.reopen_resolved = False
    incident = builders.resolve(context, make_incident())
    outcome = mail.import_bytes(messages.plain(f"RE: {format_number(incident.number)}", "Thanks!").as_bytes(), "r.eml")
    assert outcome.result == ImportResult.THREADED
    assert not outcome.reopened
    detail = context.incidents.get(incident.id)
    assert detail.status == Status.RESOLVED
    assert detail.notes[-1].body.endswith("Thanks!")


def test_a_reply_to_a_closed_incident_opens_a_follow_up(
    context: AppContext, mail: MailImportService, make_incident
) -> None:
    incident = builders.close(context, make_incident())
    outcome = mail.import_bytes(messages.plain(f"RE: {format_number(incident.number)}", "Again!").as_bytes(), "r.eml")
    assert outcome.result == ImportResult.CREATED
    assert outcome.incident_id != incident.id
    assert format_number(incident.number) in outcome.reason
    assert context.incidents.get(outcome.incident_id).description.startswith(
        f"Follow-up to {format_number(incident.number)}"
    )


def test_a_message_over_the_size_limit_is_quarantined_unread_and_the_import_goes_on(
    context: AppContext, mail: MailImportService, inbox: Path
) -> None:
    messages.huge(inbox / "a-huge.eml", megabytes=60)
    write(inbox, "b-small.eml", messages.plain().as_bytes())

    outcomes = mail.import_paths([inbox])

    assert [o.result for o in outcomes] == [ImportResult.QUARANTINED, ImportResult.CREATED]
    assert outcomes[0].reason.startswith("the message is 60.")
    assert outcomes[0].reason.endswith("the limit is 50 MB")
    [entry] = mail.list_quarantine()
    assert entry.original_name == "a-huge.eml"
    assert entry.size == (inbox / "a-huge.eml").stat().st_size
    assert Path(entry.stored_path).stat().st_size == entry.size  # the original, kept aside


def test_an_attachment_that_breaks_a_rule_quarantines_the_whole_message_and_stores_nothing(
    context: AppContext, mail: MailImportService
) -> None:
    before = outbox_names(context)
    outcome = mail.import_bytes(messages.with_refused_attachment().as_bytes(), "tool.eml")
    assert outcome.result == ImportResult.QUARANTINED
    assert "fix.exe" in outcome.reason
    assert incident_count(context) == 0
    assert outbox_names(context) == before
    assert context.reporters.count() == 0


def test_unparseable_files_are_quarantined_with_the_reason_and_can_be_discarded(mail: MailImportService) -> None:
    outcome = mail.import_bytes(b"\x00\x01 not mail", "junk.eml")
    assert outcome.result == ImportResult.QUARANTINED
    assert "not a readable email" in outcome.reason
    [entry] = mail.list_quarantine()
    stored = Path(entry.stored_path)
    assert stored.read_bytes() == b"\x00\x01 not mail"
    mail.discard(entry.id)
    assert mail.list_quarantine() == []
    assert not stored.exists()


def test_retry_imports_a_quarantined_message_once_the_limit_allows_it(
    context: AppContext, mail: MailImportService
) -> None:
    mail.options.size_limit_mb = 1
    raw = messages.plain(body="x" * (2 * 1024 * 1024)).as_bytes()
    assert mail.import_bytes(raw, "big.eml").result == ImportResult.QUARANTINED
    [entry] = mail.list_quarantine()
    again = mail.retry(entry.id)
    assert again.result == ImportResult.QUARANTINED
    assert mail.list_quarantine()[0].attempts == 2
    assert len(mail.list_quarantine()) == 1
    mail.options.size_limit_mb = 50
    assert mail.retry(entry.id).result == ImportResult.CREATED
    assert mail.list_quarantine() == []
    assert not Path(entry.stored_path).exists()
    assert context.incidents.count() == 1


def test_an_outlook_msg_file_becomes_an_incident(context: AppContext, mail: MailImportService, inbox: Path) -> None:
    data = build_msg(
        OutlookMessage(
            subject="Laptop will not boot",
            sender_name="Ola Nordmann",
            sender_email="ola@example.no",
            body="Black screen after the BIOS logo.",
            message_id="<msg-boot@example.no>",
            attachments=[OutlookAttachment("photo.png", png_bytes(), "image/png")],
        )
    )
    outcome = mail.import_file(write(inbox, "boot.msg", data))
    assert outcome.result == ImportResult.CREATED
    detail = context.incidents.get(outcome.incident_id)
    assert (detail.title, detail.description, detail.reporter.email) == (
        "Laptop will not boot",
        "Black screen after the BIOS logo.",
        "ola@example.no",
    )
    names = sorted(a.display_name for a in context.attachments.list_for(detail.id))
    assert names == ["original-message.msg", "photo.png"]


def test_a_long_body_is_shortened_for_the_description_and_kept_whole_in_the_original(
    context: AppContext, mail: MailImportService
) -> None:
    outcome = mail.import_bytes(messages.plain(body="word " * 10_000).as_bytes(), "long.eml")
    description = context.incidents.get(outcome.incident_id).description
    assert len(description) <= 20_000
    assert description.endswith("[shortened; the full message is attached]")


def test_folders_are_searched_recursively_and_cancel_stops_between_messages(
    mail: MailImportService, inbox: Path
) -> None:
    (inbox / "sub").mkdir()
    for index in range(4):
        write(inbox / ("sub" if index % 2 else ""), f"m{index}.eml", messages.plain(f"Report {index}").as_bytes())
    write(inbox, "notes.txt", b"not an email")
    seen: list[int] = []
    outcomes = mail.import_paths(
        [inbox], progress=lambda done, total, outcome: seen.append(done), cancelled=lambda: len(seen) >= 2
    )
    assert len(outcomes) == 2
    assert seen == [1, 2]
    assert len(mail.import_paths([inbox])) == 4  # .txt skipped; the first two are duplicates now


def test_the_same_bad_file_imported_again_updates_its_quarantine_entry(mail: MailImportService) -> None:
    first = mail.import_bytes(b"\x00 junk", "junk.eml")
    second = mail.import_bytes(b"\x00 junk", "junk-again.eml")
    assert second.quarantine_id == first.quarantine_id
    [entry] = mail.list_quarantine()
    assert entry.attempts == 2
