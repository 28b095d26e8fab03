"""Reading and writing the SLA configuration rows (local to this client; see models/sla.py)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from desktop_app.domain.enums import Priority
from desktop_app.domain.errors import ValidationError
from desktop_app.domain.sla_config import CalendarConfig, HolidayConfig, SlaConfig, TargetConfig
from desktop_app.models import Group, SlaCalendar, SlaHoliday, SlaSettingsRow, SlaTargetRow
from desktop_app.services.transaction import WriteScope


def load_config(session: Session) -> SlaConfig:
    holidays: dict[object, list[HolidayConfig]] = {}
    for row in session.scalars(select(SlaHoliday).order_by(SlaHoliday.day)):
        holidays.setdefault(row.calendar_id, []).append(HolidayConfig(row.day, row.name))
    calendars = tuple(
        CalendarConfig(row.id, row.name, row.time_zone, tuple(row.week_hours), tuple(holidays.get(row.id, ())))
        for row in session.scalars(select(SlaCalendar).order_by(SlaCalendar.name))
    )
    targets = tuple(
        TargetConfig(Priority(row.priority), row.response_minutes, row.resolution_minutes, row.calendar_id)
        for row in session.scalars(select(SlaTargetRow).order_by(SlaTargetRow.priority))
    )
    settings = session.get(SlaSettingsRow, 1)
    if settings is None:
        return SlaConfig(calendars, targets)
    return SlaConfig(calendars, targets, settings.warn_share, settings.auto_escalate, settings.escalation_group_id)


def save_config(scope: WriteScope, config: SlaConfig) -> None:
    """Replace the stored configuration with ``config`` (checked by the caller)."""
    session = scope.session
    if config.escalation_group_id is not None and session.get(Group, config.escalation_group_id) is None:
        raise ValidationError("The escalation group no longer exists.", field="escalation_group")
    kept = {c.id for c in config.calendars}
    session.execute(delete(SlaTargetRow))
    session.execute(delete(SlaHoliday))
    session.execute(delete(SlaCalendar).where(SlaCalendar.id.not_in(kept)))
    session.flush()
    for calendar in config.calendars:
        row = session.get(SlaCalendar, calendar.id)
        if row is None:
            row = SlaCalendar(id=calendar.id)
            session.add(row)
        row.name = calendar.name.strip()
        row.time_zone = calendar.time_zone
        row.week_hours = list(calendar.week_hours)
    session.flush()
    for calendar in config.calendars:
        session.add_all(
            SlaHoliday(id=scope.env.ids(), calendar_id=calendar.id, day=h.day, name=h.name.strip() or "Holiday")
            for h in calendar.holidays
        )
    session.add_all(
        SlaTargetRow(
            priority=t.priority.value,
            response_minutes=t.response_minutes,
            resolution_minutes=t.resolution_minutes,
            calendar_id=t.calendar_id,
        )
        for t in config.targets
    )
    settings = session.get(SlaSettingsRow, 1) or SlaSettingsRow(id=1)
    settings.warn_share = config.warn_share
    settings.auto_escalate = config.auto_escalate
    settings.escalation_group_id = config.escalation_group_id
    session.add(settings)
