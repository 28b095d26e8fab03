"""The contact directory: who calls, and how to find them while they are still talking."""

from __future__ import annotations

import re
import uuid

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session

from desktop_app.domain.dtos import ReporterDraft, ReporterSummary, Result
from desktop_app.domain.errors import NotFoundError, ValidationError
from desktop_app.domain.limits import EMAIL_MAX, NAME_MAX, PHONE_MAX, SHORT_TEXT_MAX, clean_text
from desktop_app.models import Reporter
from desktop_app.services.transaction import ServiceBase, WriteScope

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# FTS5's trigram tokenizer needs three characters; shorter queries use the prefix indexes.
TRIGRAM_MIN = 3
CANDIDATES = 200
# Typed like a phone number: digits with the usual punctuation, searched as digits only.
PHONE_QUERY = re.compile(r"[\d\s()+\-./]*\d[\d\s()+\-./]*")


def digits_of(phone: str | None) -> str | None:
    digits = re.sub(r"\D", "", phone or "")
    return digits or None


def to_summary(reporter: Reporter) -> ReporterSummary:
    return ReporterSummary(
        id=reporter.id,
        name=reporter.name,
        email=reporter.email,
        phone=reporter.phone,
        department=reporter.department,
        location=reporter.location,
        is_vip=reporter.is_vip,
    )


def _rank(reporter: Reporter, needle: str) -> tuple[int, int, str]:
    """Lower is better: whole name, name start, word start, e-mail start, anywhere; VIPs first on ties."""
    name = reporter.name.casefold()
    email = (reporter.email or "").casefold()
    if name == needle or email == needle:
        score = 0
    elif name.startswith(needle):
        score = 1
    elif any(word.startswith(needle) for word in re.split(r"[\s\-'.]+", name)):
        score = 2
    elif email.startswith(needle):
        score = 3
    elif needle.isdigit() and (reporter.phone_digits or "").endswith(needle):
        score = 4
    else:
        score = 5
    return (score, 0 if reporter.is_vip else 1, name)


class ReporterService(ServiceBase):
    def search(self, query: str, limit: int = 10) -> list[ReporterSummary]:
        """Find reporters by any part of name, e-mail or phone, best matches first."""
        needle = " ".join(query.split()).casefold()
        if PHONE_QUERY.fullmatch(needle):
            needle = digits_of(needle) or ""  # "555-12 34" finds the stored digits 5551234
        if not needle:
            return []
        with self._read() as session:
            candidates = self._candidates(session, needle)
        ranked = sorted(candidates, key=lambda r: _rank(r, needle))
        return [to_summary(r) for r in ranked[:limit]]

    def _candidates(self, session: Session, needle: str) -> list[Reporter]:
        """Prefix matches through the indexes first, then (3+ characters) trigram matches anywhere.

        Each step is capped, and the best-ranked kinds come first, so a common fragment ("ann") cannot
        crowd the caller's exact or prefix match out of the candidates in a large directory.
        """
        found: dict[uuid.UUID, Reporter] = {}
        upper = needle[:-1] + chr(ord(needle[-1]) + 1)
        conditions = [
            (Reporter.name_key >= needle) & (Reporter.name_key < upper),
            (Reporter.email >= needle) & (Reporter.email < upper),
        ]
        if needle.isdigit():
            conditions.append((Reporter.phone_digits >= needle) & (Reporter.phone_digits < upper))
        for condition in conditions:
            found.update((r.id, r) for r in session.scalars(select(Reporter).where(condition).limit(CANDIDATES)))
        if len(needle) >= TRIGRAM_MIN:
            # A leading space in the phrase matches at the start of a later word ("smi" → "John Smith").
            for phrase in (" " + needle, needle):
                stmt = select(Reporter).where(
                    text(
                        "reporters.rowid IN (SELECT rowid FROM reporter_search "
                        "WHERE reporter_search MATCH :phrase LIMIT :limit)"
                    )
                )
                quoted = '"' + phrase.replace('"', '""') + '"'
                found.update((r.id, r) for r in session.scalars(stmt, {"phrase": quoted, "limit": CANDIDATES}))
        return list(found.values())

    def get(self, reporter_id: uuid.UUID) -> ReporterSummary:
        with self._read() as session:
            reporter = session.get(Reporter, reporter_id)
            if reporter is None:
                raise NotFoundError("That reporter is no longer in the directory.")
            return to_summary(reporter)

    def count(self) -> int:
        with self._read() as session:
            return int(session.scalar(select(func.count()).select_from(Reporter)) or 0)

    def resolve(self, name_or_email: str) -> ReporterSummary:
        """Exactly one reporter by e-mail or full name; an ambiguous name names the candidates."""
        needle = " ".join(name_or_email.split())
        if not needle:
            raise ValidationError("Name the reporter (a name or an e-mail address).", field="reporter")
        with self._read() as session:
            matches = list(
                session.scalars(
                    select(Reporter)
                    .where(or_(Reporter.email == needle.casefold(), Reporter.name_key == needle.casefold()))
                    .limit(6)
                )
            )
        if not matches:
            raise NotFoundError(f"No reporter named or with the e-mail {needle!r} is in the directory.")
        if len(matches) > 1:
            names = "; ".join(f"{r.name} <{r.email or 'no e-mail'}>" for r in matches[:5])
            raise ValidationError(
                f"{len(matches)} reporters match {needle!r}: {names}. Use the e-mail address.", field="reporter"
            )
        return to_summary(matches[0])

    def create(self, draft: ReporterDraft) -> Result[ReporterSummary]:
        with self._write() as scope:
            reporter = add_reporter(scope, draft)
            return Result(to_summary(reporter), scope.change_set())


def add_reporter(scope: WriteScope, draft: ReporterDraft) -> Reporter:
    """Validate and insert a reporter inside an open write scope (also used when logging a call)."""
    name = clean_text(draft.name, field="reporter_name", label="The reporter's name", max_len=NAME_MAX, required=True)
    email = clean_text(draft.email, field="reporter_email", label="The e-mail address", max_len=EMAIL_MAX)
    if email is not None:
        email = email.casefold()
        if not EMAIL_PATTERN.match(email):
            raise ValidationError(f"{email!r} is not an e-mail address.", field="reporter_email")
        exists = scope.session.scalar(select(Reporter.name).where(Reporter.email == email).limit(1))
        if exists:
            raise ValidationError(f"{email} already belongs to {exists} in the directory.", field="reporter_email")
    phone = clean_text(draft.phone, field="reporter_phone", label="The phone number", max_len=PHONE_MAX)
    if phone is not None and not re.fullmatch(r"[0-9+()\-./ x]+", phone):
        raise ValidationError(f"{phone!r} is not a phone number.", field="reporter_phone")
    reporter = Reporter(
        id=scope.env.ids(),
        name=name or "",
        name_key=(name or "").casefold(),
        email=email,
        phone=phone,
        phone_digits=digits_of(phone),
        department=clean_text(draft.department, field="department", label="The department", max_len=SHORT_TEXT_MAX),
        location=clean_text(draft.location, field="location", label="The location", max_len=SHORT_TEXT_MAX),
        is_vip=draft.is_vip,
        created_at=scope.now,
        updated_at=scope.now,
    )
    scope.session.add(reporter)
    scope.session.flush()
    scope.enqueue(
        "create_reporter",
        reporter.id,
        {
            "name": reporter.name,
            "email": reporter.email,
            "phone": reporter.phone,
            "department": reporter.department,
            "location": reporter.location,
            "is_vip": reporter.is_vip,
        },
    )
    scope.changed("reporter", reporter.id, "created")
    return reporter
