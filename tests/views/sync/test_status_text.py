"""What the status indicator says in every state, and what a click on it opens (pure functions)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from desktop_app.sync.dtos import SyncProgress, SyncStatus
from desktop_app.views.sync.status_text import Level, Target, indicator_state, value_text

SYNCED = datetime(2026, 3, 2, 9, 42, tzinfo=UTC)

CONNECTED = SyncStatus(
    server_url="https://helpdesk.example.test",
    username="alice",
    role="technician",
    logged_in=True,
    pending=0,
    errors=0,
    conflicts=0,
    pending_numbers=0,
    leased_numbers_left=50,
    last_sync_at=SYNCED,
    last_push_at=SYNCED,
    last_error=None,
    last_error_code=None,
    last_error_at=None,
    bootstrap_done=True,
)


def test_offline_only_is_calm_and_offers_to_sign_in() -> None:
    state = indicator_state(replace(CONNECTED, server_url=None, username=None, logged_in=False))

    assert (state.text, state.level, state.target) == ("Offline only", Level.IDLE, Target.SIGN_IN)
    assert "offline only" in state.tooltip.lower()


def test_signed_out_asks_to_sign_in() -> None:
    state = indicator_state(replace(CONNECTED, logged_in=False))

    assert (state.text, state.target) == ("Not signed in", Target.SIGN_IN)


def test_a_running_round_shows_its_progress() -> None:
    assert indicator_state(CONNECTED, running=True).text == "Syncing…"
    state = indicator_state(CONNECTED, running=True, progress=SyncProgress("push", 120, 500))
    assert (state.text, state.level) == ("Syncing… push 120/500", Level.BUSY)
    assert indicator_state(CONNECTED, running=True, progress=SyncProgress("pull", 3_000)).text == "Syncing… pull 3,000"


def test_an_attachment_upload_shows_its_name_and_share() -> None:
    upload = SyncProgress("upload", 3_000_000, 12_000_000, item="ab" * 32, label="error-dialog.png")
    assert indicator_state(CONNECTED, running=True, progress=upload).text == (
        "Uploading error-dialog.png… 25% of 12.0 MB"
    )


def test_up_to_date_shows_the_local_time_of_the_last_sync() -> None:
    state = indicator_state(CONNECTED)

    assert state.text == f"Up to date · {SYNCED.astimezone().strftime('%H:%M')}"
    assert state.level == Level.OK
    assert "Last sync:" in state.tooltip


@pytest.mark.parametrize(
    ("changes", "text", "target"),
    [
        ({"pending": 3}, "3 pending", Target.OUTBOX),
        ({"errors": 2}, "2 errors", Target.ERRORS),
        ({"conflicts": 1}, "1 conflict", Target.CONFLICTS),
        ({"errors": 1, "conflicts": 2}, "1 error · 2 conflicts", Target.ERRORS),
        ({"bootstrap_done": False, "last_sync_at": None}, "Not synced yet", Target.OUTBOX),
    ],
)
def test_counts_and_where_a_click_goes(changes: dict, text: str, target: Target) -> None:
    state = indicator_state(replace(CONNECTED, **changes))

    assert (state.text, state.target) == (text, target)


def test_an_unreachable_server_says_when_it_retries() -> None:
    failing = replace(
        CONNECTED,
        pending=4,
        last_error="The server cannot be reached (connection refused); your changes are kept.",
        last_error_code="server_unreachable",
        last_error_at=SYNCED + timedelta(minutes=1),
    )

    assert indicator_state(failing, retry_in=39.6).text == "Server unreachable · retry in 40 s"
    assert indicator_state(failing).text == "Server unreachable"
    assert "connection refused" in indicator_state(failing).tooltip
    assert "Waiting to be sent: 4" in indicator_state(failing).tooltip


def test_another_failure_says_sync_failed() -> None:
    failing = replace(CONNECTED, last_error="bad answer", last_error_code="protocol_error", last_error_at=SYNCED)

    state = indicator_state(failing)

    assert (state.text, state.level) == ("Sync failed", Level.ERROR)


def test_values_read_as_words() -> None:
    assert [value_text(v) for v in (None, "", True, 3, "Printer")] == ["(empty)", "(empty)", "yes", "3", "Printer"]
