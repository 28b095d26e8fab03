"""Argument values as people type them, and the name guessed from an e-mail address."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta

import pytest

from desktop_app.cli.incident_commands import name_from_email
from desktop_app.cli.values import (
    channel_value,
    hold_reason_value,
    level_value,
    moment_value,
    note_kind_value,
    priority_value,
    status_value,
)
from desktop_app.domain.enums import Channel, HoldReason, NoteKind, Priority, Status


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("new", Status.NEW),
        ("in_progress", Status.IN_PROGRESS),
        ("in-progress", Status.IN_PROGRESS),
        ("In Progress", Status.IN_PROGRESS),
        ("ON-HOLD", Status.ON_HOLD),
        ("cancelled", Status.CANCELED),
        ("canceled", Status.CANCELED),
    ],
)
def test_status_forms(text, status):
    assert status_value(text) is status


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("caller", HoldReason.AWAITING_CALLER),
        ("awaiting-vendor", HoldReason.AWAITING_VENDOR),
        ("awaiting_change", HoldReason.AWAITING_CHANGE),
        ("Problem", HoldReason.AWAITING_PROBLEM),
    ],
)
def test_hold_reason_forms(text, reason):
    assert hold_reason_value(text) is reason


def test_other_value_forms():
    assert channel_value("walk_in") is Channel.WALK_IN
    assert channel_value("Walk-In") is Channel.WALK_IN
    assert priority_value("p2") is Priority.P2
    assert priority_value("2") is Priority.P2
    assert note_kind_value("Investigation") is NoteKind.INVESTIGATION
    assert level_value("1") == 1


@pytest.mark.parametrize(
    ("parser", "text"),
    [
        (status_value, "done"),
        (hold_reason_value, "lunch"),
        (channel_value, "pigeon"),
        (priority_value, "P9"),
        (note_kind_value, "system"),
        (level_value, "4"),
        (moment_value, "yesterday"),
    ],
)
def test_unknown_values_are_usage_errors(parser, text):
    with pytest.raises(argparse.ArgumentTypeError):
        parser(text)


def test_moment_keeps_a_zone_and_gives_local_time_one():
    zoned = moment_value("2025-03-04T09:30:00+01:00")
    local = moment_value("2025-03-04T09:30")

    assert zoned == datetime(2025, 3, 4, 8, 30, tzinfo=UTC)
    assert local.tzinfo is not None
    assert local.utcoffset() == datetime(2025, 3, 4, 9, 30).astimezone().utcoffset()
    assert moment_value("2025-03-04T08:30:00Z") - zoned == timedelta(0)


@pytest.mark.parametrize(
    ("email", "name"),
    [
        ("jane.smith@example.com", "Jane Smith"),
        ("jane_smith42@example.com", "Jane Smith"),
        ("bob@example.com", "Bob"),
        ("mary-ann.o-neil@example.com", "Mary Ann O Neil"),
        ("1234@example.com", "1234"),
    ],
)
def test_name_from_email(email, name):
    assert name_from_email(email) == name
