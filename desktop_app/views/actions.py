"""Every QAction of the application, declared once: id, text, shortcut, icon, status tip."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

from desktop_app.views.resources import icon


@dataclass(frozen=True)
class ActionSpec:
    id: str
    text: str
    shortcut: str | QKeySequence.StandardKey | None
    status_tip: str
    icon: str | None = None
    menu: str = "Incident"


ACTION_SPECS: tuple[ActionSpec, ...] = (
    ActionSpec("new_incident", "&New incident…", "Ctrl+N", "Log a new incident from a call (Ctrl+N)", "new", "File"),
    ActionSpec("go_to_incident", "&Go to incident…", "Ctrl+G", "Open an incident by its number", None, "File"),
    ActionSpec(
        "import_email",
        "&Import email…",
        "Ctrl+Alt+M",
        "Turn .eml/.msg files into incidents; replies join theirs (or drop files on the window)",
        None,
        "File",
    ),
    ActionSpec(
        "mail_quarantine",
        "Email &quarantine…",
        "Ctrl+Alt+Q",
        "Email the import refused: retry, open or discard",
        None,
        "File",
    ),
    ActionSpec(
        "mail_settings",
        "Email import se&ttings…",
        "Ctrl+Alt+W",
        "The watched folder, the size limit, reopening on replies",
        None,
        "File",
    ),
    ActionSpec(
        "settings", "&Settings…", "Ctrl+,", "Your name, the default channel and the server to sync with", None, "File"
    ),
    ActionSpec("quit", "&Quit", "Ctrl+Q", "Close the help desk", None, "File"),
    ActionSpec("assign", "&Assign…", "Ctrl+Shift+A", "Assign the incident to a group and an agent", "assign"),
    ActionSpec("change_status", "Change &status…", "Ctrl+Shift+S", "Move the incident through its workflow", "status"),
    ActionSpec("add_note", "Add &note", "Ctrl+Shift+N", "Write a worklog or investigation note", "note"),
    ActionSpec("copy_number", "&Copy number", "Ctrl+Shift+C", "Copy the incident number to read it back", "copy"),
    # Working an incident (views/work/work_ui.py).
    ActionSpec("take_it", "&Take it", "Ctrl+Shift+T", "Assign the incident to yourself, in its group"),
    ActionSpec("escalate", "&Escalate…", "Ctrl+Shift+X", "Escalate to another group or a supervisor, with a reason"),
    ActionSpec("workaround", "&Workaround…", "Ctrl+Shift+W", "Record or publish a workaround; keep it as known"),
    ActionSpec("resolve", "&Resolve…", "Ctrl+Shift+R", "Resolve with a resolution code and notes"),
    ActionSpec("close_incident", "C&lose…", "Ctrl+Shift+L", "Close with the root cause, steps and reporter told"),
    ActionSpec("reopen", "Re&open…", "Ctrl+Shift+P", "Send a resolved or closed incident back to work"),
    ActionSpec("similar", "Si&milar incidents…", "Ctrl+Shift+M", "Similar incidents, their workarounds, known errors"),
    # Replies to the reporter (views/communication/reply_ui.py).
    ActionSpec("reply", "Reply to repor&ter…", "Ctrl+Alt+E", "Email the reporter from a canned response, previewed"),
    ActionSpec("canned_responses", "Canned res&ponses…", "Ctrl+Alt+T", "Edit the reply templates", None, "File"),
    ActionSpec(
        "capture_region", "Capture &region…", "Ctrl+Alt+R", "Screenshot of a part of the screen, to annotate and attach"
    ),
    ActionSpec(
        "capture_screen", "Capture &whole screen", "Ctrl+Alt+S", "Screenshot of every screen, to annotate and attach"
    ),
    ActionSpec("attach_file", "Attach &file…", "Ctrl+Alt+F", "Attach files to the incident (or drop them on it)"),
    ActionSpec("refresh", "&Refresh", "F5", "Reload the queue", "refresh", "View"),
    ActionSpec("focus_queue", "Focus &queue", "Ctrl+1", "Move the keyboard focus to the queue", None, "View"),
    ActionSpec("focus_detail", "Focus &detail", "Ctrl+2", "Move the keyboard focus to the incident", None, "View"),
    # The queue (views/queue_navigation.py, views/command_palette.py, views/bulk_dialog.py).
    ActionSpec(
        "command_palette", "Command &palette…", "Ctrl+K", "Run any action or open any view by name", None, "View"
    ),
    ActionSpec(
        "search_queue", "Searc&h the queue", "/", 'Words, "a phrase", print*, status:open reporter:smith', None, "View"
    ),
    ActionSpec("save_view", "Sa&ve view…", "Ctrl+Alt+V", "Save the current filters and search as a view", None, "View"),
    ActionSpec(
        "add_category", "Add cate&gory…", "Ctrl+Alt+C", "Add a category (and its parents) to the tree", None, "View"
    ),
    ActionSpec("bulk_change", "&Bulk change…", "Ctrl+Alt+B", "Change or add a note to every selected incident at once"),
    ActionSpec("undo_bulk", "&Undo bulk change", "Ctrl+Alt+Z", "Put back what the last bulk change changed"),
    ActionSpec("sync_now", "Sync &now", "F9", "Send your changes and fetch the team's now", "refresh", "Sync"),
    ActionSpec(
        "sign_in", "Sign &in…", "Ctrl+Shift+I", "Sign in to the help-desk server to sync with your team", None, "Sync"
    ),
    ActionSpec(
        "sign_out", "Sign &out", "Ctrl+Shift+O", "End the session with the server; your changes stay here", None, "Sync"
    ),
    ActionSpec(
        "sync_outbox", "Out&box…", "Ctrl+Shift+B", "Changes waiting to be sent, and those already sent", None, "Sync"
    ),
    ActionSpec(
        "sync_errors",
        "&Errors…",
        "Ctrl+Shift+E",
        "Changes the server refused: fix and resend, or discard",
        None,
        "Sync",
    ),
    ActionSpec(
        "sync_conflicts",
        "&Conflicts…",
        "Ctrl+Shift+K",
        "Edits that met another's: keep theirs or restore yours",
        None,
        "Sync",
    ),
    ActionSpec("shortcuts", "&Keyboard shortcuts", "F1", "List every keyboard shortcut", None, "Help"),
    ActionSpec("about", "&About", "Shift+F1", "About this help desk", None, "Help"),
    ActionSpec(
        "copy_diagnostics",
        "Copy &diagnostics",
        "Ctrl+Shift+F1",
        "Copy the version, folders, sync state and recent log lines for a support request",
        None,
        "Help",
    ),
)

MENU_ORDER = ("File", "Incident", "View", "Sync", "Help")


def build_action(spec: ActionSpec, parent: QObject) -> QAction:
    action = QAction(spec.text, parent)
    action.setObjectName(f"action_{spec.id}")
    if spec.shortcut is not None:
        action.setShortcut(QKeySequence(spec.shortcut))
    action.setStatusTip(spec.status_tip)
    action.setToolTip(f"{spec.status_tip} ({action.shortcut().toString()})" if spec.shortcut else spec.status_tip)
    if spec.icon:
        action.setIcon(icon(spec.icon))
    return action


def build_actions(parent: QObject) -> dict[str, QAction]:
    return {spec.id: build_action(spec, parent) for spec in ACTION_SPECS}
