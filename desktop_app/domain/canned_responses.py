"""Canned responses: templates with ``{reporter.first_name}``-style placeholders, rendered safely.

The renderer parses with ``string.Formatter`` but never evaluates anything: a field is looked up by its
whole dotted name in a flat dict of strings, so ``{incident.__class__}`` or ``{0[1]}`` is just an
unknown placeholder. Unknown names and names without a value become warnings and stay visible in the
text (``{workaround}``) so the agent sees what to fill in; nothing raises. ``{{`` and ``}}`` are
literal braces, and a lone brace is kept as typed (with a warning) rather than refused.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from datetime import datetime

# Every placeholder a template may use, with what it means (shown in the template editor).
PLACEHOLDERS: dict[str, str] = {
    "reporter.first_name": "The reporter's first name",
    "reporter.name": "The reporter's full name",
    "reporter.email": "The reporter's email address",
    "incident.number": "The incident number, e.g. INC-000042",
    "incident.title": "The incident's title",
    "incident.status": "The incident's status",
    "incident.priority": "The incident's priority",
    "incident.category": "The incident's category",
    "workaround": "The workaround recorded on the incident",
    "resolution": "The resolution notes",
    "agent.name": "Your name",
    "agent.email": "Your email address",
    "sla.resolve_by": "When the incident is due to be resolved (SLA)",
}

_formatter = string.Formatter()


@dataclass(frozen=True)
class Rendered:
    text: str
    missing: tuple[str, ...] = ()  # known placeholders without a value for this incident
    unknown: tuple[str, ...] = ()  # names that are not placeholders at all (typos)
    syntax_problems: tuple[str, ...] = ()

    @property
    def warnings(self) -> list[str]:
        lines = [f"No value for {{{name}}} on this incident: replace it in the text." for name in self.missing]
        lines += [f"Unknown placeholder {{{name}}}: check its spelling." for name in self.unknown]
        return lines + list(self.syntax_problems)


@dataclass
class _Collector:
    missing: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def note(self, bucket: list[str], name: str) -> None:
        if name not in bucket:
            bucket.append(name)


def render(template: str, values: dict[str, str | None]) -> Rendered:
    """Fill ``template`` from ``values`` (dotted name -> text or None); never raises on the text."""
    found = _Collector()
    parts: list[str] = []
    for chunk in _chunks(template, found):
        literal, name = chunk
        parts.append(literal)
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            found.note(found.unknown, name)
            parts.append("{" + name + "}")
            continue
        value = values.get(name)
        if value is None or not str(value).strip():
            found.note(found.missing, name)
            parts.append("{" + name + "}")
        else:
            parts.append(str(value))
    return Rendered("".join(parts), tuple(found.missing), tuple(found.unknown), tuple(found.problems))


def placeholders_in(template: str) -> list[str]:
    """The placeholder names a template uses, in order, without repeats."""
    names: list[str] = []
    for _literal, name in _chunks(template, _Collector()):
        if name is not None and name not in names:
            names.append(name)
    return names


def _chunks(template: str, found: _Collector) -> list[tuple[str, str | None]]:
    """(literal text, placeholder name or None) pairs; a line with a stray brace is kept verbatim."""
    chunks: list[tuple[str, str | None]] = []
    for line in template.splitlines(keepends=True):
        try:
            parsed = list(_formatter.parse(line))
        except ValueError:
            shown = line.strip()[:40]
            found.problems.append(f"A single {{ or }} in \u201c{shown}\u201d: write {{{{ or }}}} for a literal brace.")
            chunks.append((line, None))
            continue
        for literal, name, spec, conversion in parsed:
            if name is None:
                chunks.append((literal, None))
                continue
            # A format spec or conversion ("{x:>10}", "{x!r}") is not part of our language: it stays in the
            # name so it shows as unknown instead of being interpreted.
            full = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            chunks.append((literal, full.strip()))
    return chunks


def first_name(full_name: str | None) -> str | None:
    """The first word of a name, for a friendly greeting ("Ada Lovelace" -> "Ada")."""
    if not full_name or not full_name.strip():
        return None
    return full_name.strip().split()[0]


def format_due(moment: datetime | None) -> str | None:
    """A due time as a reporter reads it: weekday, date and time with its zone."""
    if moment is None:
        return None
    return moment.strftime("%a %d %b %Y %H:%M %Z").strip()


@dataclass(frozen=True)
class SeedTemplate:
    name: str
    subject: str
    body: str


# Seeded on a new database (0005_work); edited freely in the template editor afterwards.
SEED_TEMPLATES = (
    SeedTemplate(
        "acknowledgement",
        "{incident.number} received: {incident.title}",
        "Hello {reporter.first_name},\n\n"
        "Thank you for reporting this. We have logged it as {incident.number} ({incident.title}) "
        "and aim to resolve it by {sla.resolve_by}.\n\n"
        "Kind regards,\n{agent.name}\nIT Service Desk",
    ),
    SeedTemplate(
        "workaround",
        "{incident.number}: a workaround for {incident.title}",
        "Hello {reporter.first_name},\n\n"
        "While we work on a permanent fix for {incident.number}, this should get you going again:\n\n"
        "{workaround}\n\n"
        "Please reply to this message if it does not help.\n\n"
        "Kind regards,\n{agent.name}",
    ),
    SeedTemplate(
        "resolved",
        "{incident.number} resolved: {incident.title}",
        "Hello {reporter.first_name},\n\n"
        "We have resolved {incident.number} ({incident.title}):\n\n"
        "{resolution}\n\n"
        "If the problem comes back, reply to this message and we will reopen it.\n\n"
        "Kind regards,\n{agent.name}",
    ),
    SeedTemplate(
        "awaiting caller",
        "{incident.number}: we need a little more information",
        "Hello {reporter.first_name},\n\n"
        "To continue with {incident.number} ({incident.title}) we need a little more information from you. "
        "Could you reply with the details below?\n\n\n"
        "We have put the incident on hold until we hear from you.\n\n"
        "Kind regards,\n{agent.name}",
    ),
)
