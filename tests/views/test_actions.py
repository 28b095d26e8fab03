"""Every action is declared once with a shortcut and a status tip, and no two share a shortcut."""

from __future__ import annotations

from collections import Counter

from PySide6.QtGui import QKeySequence

from desktop_app.views.actions import ACTION_SPECS, MENU_ORDER


def test_every_action_has_a_unique_shortcut_and_a_status_tip() -> None:
    shortcuts = [QKeySequence(spec.shortcut).toString() for spec in ACTION_SPECS if spec.shortcut]
    assert len(shortcuts) == len(ACTION_SPECS), [s.id for s in ACTION_SPECS if not s.shortcut]
    assert all(shortcuts), "every shortcut parses"
    assert [k for k, n in Counter(shortcuts).items() if n > 1] == []
    assert all(spec.status_tip.strip() for spec in ACTION_SPECS)
    assert len({spec.id for spec in ACTION_SPECS}) == len(ACTION_SPECS)
    assert {spec.menu for spec in ACTION_SPECS} <= set(MENU_ORDER)
