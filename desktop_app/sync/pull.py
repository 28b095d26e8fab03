"""Pull: the server's changes since our cursor, a page per local transaction, cursor moved in the same one."""

from __future__ import annotations

from collections.abc import Callable

from desktop_app.domain.sync_errors import ProtocolError
from desktop_app.sync.apply import ChangeApplier
from desktop_app.sync.dtos import SyncProgress
from desktop_app.sync.http import ApiClient
from desktop_app.sync.store import SyncStore, state_row

PAGE_LIMIT = 500
MAX_PAGES_PER_SYNC = 100_000


def pull_changes(
    store: SyncStore, api: ApiClient, progress: Callable[[SyncProgress], None], warnings: list[str]
) -> int:
    """Apply pages until the server says there is no more; returns the number of changes applied.

    A page is applied only if the stored cursor is still the one it was asked for: another process
    of this client (the CLI beside the GUI) may have pulled the same page meanwhile.
    """
    pulled = 0
    for _ in range(MAX_PAGES_PER_SYNC):
        cursor = store.snapshot().cursor
        page = api.pull(cursor, PAGE_LIMIT)
        if page.has_more and page.cursor <= cursor:
            raise ProtocolError(f"The server's pull did not move past cursor {cursor} but says there is more.")
        with store.write() as scope:
            row = state_row(scope.session)
            if row.cursor == cursor:
                applier = ChangeApplier(scope.session, scope.now)
                applier.apply(page.changes)
                applier.finish()
                row.cursor = max(row.cursor, page.cursor)
                pulled += len(page.changes)
                warnings.extend(w for w in applier.warnings if w not in warnings)
        progress(SyncProgress("pull", pulled))
        if not page.has_more:
            return pulled
    raise ProtocolError("The server's pull never reached its end.")
