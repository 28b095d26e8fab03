"""SyncEngine: the client side of PROTOCOL.md behind one Qt-free, thread-agnostic API.

Synchronous: the GUI calls it on a worker thread, the CLI directly. Every local change it makes is
its own short BEGIN IMMEDIATE transaction, never held across a network call, so the GUI keeps
writing while a sync runs. One sync at a time per engine (a second call gets SyncBusyError).

A round (``sync_once``): lease numbers if few are left; on the very first round, bootstrap (so
the starter directory merges with the server's before anything is pushed); push the outbox in seq
order, in batches; tell the server about conflict resolutions; pull until the server has no more
(an expired cursor re-bootstraps, keeping the outbox).
"""

from __future__ import annotations

import socket
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from desktop_app.capture.blob_store import BlobStore
from desktop_app.domain.errors import HelpdeskError, ValidationError
from desktop_app.domain.sync_errors import (
    CursorExpired,
    NotConnectedError,
    ProtocolError,
    SeqGapError,
    SyncBusyError,
    SyncError,
)
from desktop_app.models import Conflict, Incident, OutboxEntry
from desktop_app.services.numbering import leased_numbers_left
from desktop_app.services.transaction import ServiceEnv
from desktop_app.sync import bootstrap
from desktop_app.sync.auth import SessionTokens
from desktop_app.sync.blobs import BlobChannel
from desktop_app.sync.conflict_actions import refresh_conflicts, resolve_locally, send_resolutions
from desktop_app.sync.credentials import CredentialStore
from desktop_app.sync.dtos import (
    ConflictChoice,
    ConflictView,
    LoginResult,
    OutboxItem,
    OutboxState,
    SyncProgress,
    SyncReport,
    SyncStatus,
)
from desktop_app.sync.http import ApiClient, normalise_server_url
from desktop_app.sync.identity import adopt_identity, check_identity_switch
from desktop_app.sync.numbers import ensure_numbers
from desktop_app.sync.outbox_actions import discard_entry, resend_entry
from desktop_app.sync.outbox_views import conflict_views, outbox_items, to_conflict_view, to_item
from desktop_app.sync.pull import pull_changes
from desktop_app.sync.push_results import PushOutcome, next_batch, record_results
from desktop_app.sync.store import StateSnapshot, SyncStore
from sync_protocol.schemas import LoginRequest, PushRequest, RefreshRequest

PUSH_BATCH = 500
UPLOAD_PASSES = 3
MAX_SEQ_GAP_RETRIES = 3
ProgressCallback = Callable[[SyncProgress], None]


def _ignore(_progress: SyncProgress) -> None:
    return None


class SyncEngine:
    def __init__(
        self,
        env: ServiceEnv,
        *,
        credentials: CredentialStore | None = None,
        api_factory: Callable[[str], ApiClient] = ApiClient,
        device_name: str | None = None,
        blobs: BlobStore | None = None,
    ) -> None:
        self.store = SyncStore(env)
        # Attachment bytes (sync/blobs.py); without a blob store attachments sync as rows only.
        self._channel = BlobChannel(self.store, blobs) if blobs is not None else None
        self._credentials = credentials or CredentialStore()
        self._api_factory = api_factory
        self._device_name = device_name or socket.gethostname()
        self._tokens: SessionTokens | None = None
        self._lock = threading.Lock()

    def _api(self, url: str) -> ApiClient:
        """An API client that reports this device's clock (the services' clock) with each push."""
        api = self._api_factory(url)
        api.clock = self.store.clock
        return api

    # --- session -------------------------------------------------------------------------

    def login(self, server_url: str, username: str, password: str) -> LoginResult:
        url = normalise_server_url(server_url)
        username = username.strip()
        if not username:
            raise ValidationError("Give the user name you have on the server.", field="username")
        if not password:
            raise ValidationError("Give the password.", field="password")
        with self._lock:
            snapshot = self.store.snapshot()
            client_id = self.store.client_id()
            with self.store.read() as session:
                check_identity_switch(session, snapshot, url, username)
            api = self._api(url)
            pair = api.login(
                LoginRequest(username=username, password=password, client_id=client_id, device_name=self._device_name)
            )
            if (
                snapshot.server_url
                and snapshot.username
                and (snapshot.server_url, snapshot.username)
                != (
                    url,
                    pair.user.username,
                )
            ):
                self._session_for(snapshot).forget()  # the previous identity's token is of no use now
            with self.store.write() as scope:
                adopt_identity(scope, url, pair.user)
            tokens = SessionTokens(api, self._credentials, pair.user.username)
            api.tokens = tokens
            keyring = tokens.adopt(pair)
            self._tokens = tokens
            return LoginResult(
                server_url=url,
                username=pair.user.username,
                user_id=pair.user.id,
                name=pair.user.name,
                role=pair.user.role,
                remembered=keyring.available,
                keyring_message=keyring.message,
            )

    def logout(self) -> bool:
        """Forget the session here and revoke it on the server; True if the server was told.

        The server address, the local data and the outbox stay: logging in again picks up from here.
        """
        with self._lock:
            snapshot = self._connected()
            tokens = self._session_for(snapshot)
            refresh = tokens.stored_refresh_token()
            told = False
            if refresh is not None:
                try:
                    tokens.api.logout(RefreshRequest(refresh_token=refresh))
                    told = True
                except SyncError:
                    told = False  # unreachable: the token is forgotten here anyway and expires there
            tokens.forget()
            return told

    # --- sync ----------------------------------------------------------------------------

    def sync_once(self, progress: ProgressCallback | None = None) -> SyncReport:
        report = progress or _ignore
        if not self._lock.acquire(blocking=False):
            raise SyncBusyError("A sync is already running.")
        try:
            snapshot = self._connected()
            client_id = self.store.client_id()
            started = self.store.now
            api = self._session_for(snapshot).api
            warnings: list[str] = []
            bootstrapped = False
            try:
                report(SyncProgress("numbers", 0))
                leased = ensure_numbers(self.store, api, client_id)
                if not snapshot.bootstrap_done:
                    self._bootstrap(api, snapshot, warnings, report)
                    bootstrapped = True
                pushed = self._push_with_blobs(api, client_id, snapshot.user_id, report, warnings)
                send_resolutions(self.store, api, warnings)
                if pushed.conflicts:
                    refresh_conflicts(self.store, api)  # their server ids, for resolving them later
                try:
                    pulled = pull_changes(self.store, api, report, warnings)
                except CursorExpired:
                    self._bootstrap(api, snapshot, warnings, report)
                    bootstrapped = True
                    pulled = pull_changes(self.store, api, report, warnings)
            except HelpdeskError as exc:
                self.store.record_error(exc.code, exc.message)
                raise
            except Exception as exc:
                self.store.record_error("unexpected", f"{type(exc).__name__}: {exc}")
                raise
            sent = pushed.applied + pushed.rejected + pushed.conflicts
            self.store.record_success(pushed=sent > 0)
            return SyncReport(
                pushed=sent,
                applied=pushed.applied,
                rejected=pushed.rejected,
                conflicts=pushed.conflicts,
                pulled=pulled,
                bootstrapped=bootstrapped,
                numbers_leased=leased,
                numbers_assigned=pushed.numbers_assigned,
                cursor=self.store.snapshot().cursor,
                warnings=tuple(warnings),
                started_at=started,
                finished_at=self.store.now,
            )
        finally:
            self._lock.release()

    def _bootstrap(
        self, api: ApiClient, snapshot: StateSnapshot, warnings: list[str], report: ProgressCallback
    ) -> None:
        downloaded = bootstrap.download(api, report)
        try:
            report(SyncProgress("swap", downloaded.count, downloaded.count))
            warnings.extend(bootstrap.swap_in(self.store, downloaded, snapshot.device_created_at))
        finally:
            downloaded.close()

    def _push_with_blobs(
        self,
        api: ApiClient,
        client_id: uuid.UUID,
        user_id: uuid.UUID | None,
        report: ProgressCallback,
        warnings: list[str],
    ) -> PushOutcome:
        """Upload the blobs of pending attach_file mutations first, then push (PROTOCOL.md "Attachments");
        once more if an attach_file made meanwhile was held back for its bytes."""
        if self._channel is None:
            return self._push(api, client_id, user_id, report)
        total = PushOutcome()
        for _ in range(UPLOAD_PASSES):
            uploads = self._channel.upload_pending(api, report, warnings)
            outcome = self._push(api, client_id, user_id, report, uploads.hold)
            for name in ("applied", "rejected", "conflicts", "numbers_assigned"):
                setattr(total, name, getattr(total, name) + getattr(outcome, name))
            if not uploads.held:
                break
        return total

    def download_blob(self, sha256: str, label: str | None = None, progress: ProgressCallback | None = None) -> Path:
        """The local file of an attachment's bytes, downloaded (ranged, resumable, verified) if not here yet.

        For the GUI's and CLI's "open" and "save as" of an attachment synced from another client. Runs beside
        a sync (its own connection); raises NotFoundError when the server has no bytes for this user.
        """
        if self._channel is None:
            raise NotConnectedError("This client keeps no attachment files.")
        if self._channel.blobs.has(sha256):
            return self._channel.blobs.path_for(sha256)
        snapshot = self._connected()
        tokens = self._session_for(snapshot)
        api = self._api(tokens.server_url)
        api.tokens = tokens
        try:
            return self._channel.download(api, sha256, progress or _ignore, label)
        finally:
            api.close()

    def _push(
        self,
        api: ApiClient,
        client_id: uuid.UUID,
        user_id: uuid.UUID | None,
        report: ProgressCallback,
        hold: Callable[[OutboxEntry], bool] | None = None,
    ) -> PushOutcome:
        total = PushOutcome()
        resend_from: int | None = None
        gaps = 0
        while True:
            with self.store.write() as scope:
                batch = next_batch(scope, PUSH_BATCH, resend_from, hold)
            if not batch:
                return total
            try:
                response = api.push(PushRequest(client_id=client_id, mutations=batch))
            except SeqGapError as gap:
                gaps += 1
                if gaps > MAX_SEQ_GAP_RETRIES:
                    raise
                # PROTOCOL.md: resend from last_seq + 1. An empty push tells us last_seq when the 409 does not.
                resend_from = gap.last_seq
                if resend_from is None:
                    resend_from = api.push(PushRequest(client_id=client_id, mutations=[])).last_seq
                continue
            with self.store.write() as scope:
                outcome = record_results(scope, response, batch, user_id, resending=resend_from is not None)
            if outcome.foreign or not response.results:
                raise ProtocolError(
                    "The server holds other changes under this client's sequence numbers (was this data folder "
                    "restored from a backup or copied from another computer?). Nothing was lost; the changes "
                    "stay in the outbox. Ask IT to look at the server's record for this client."
                )
            if resend_from is not None:
                resend_from = response.last_seq
            for name in ("applied", "rejected", "conflicts", "numbers_assigned"):
                setattr(total, name, getattr(total, name) + getattr(outcome, name))
            report(SyncProgress("push", total.applied + total.rejected + total.conflicts))

    # --- what the views show -------------------------------------------------------------

    def status(self) -> SyncStatus:
        snapshot = self.store.snapshot()
        with self.store.read() as session:
            by_state = dict(session.execute(select(OutboxEntry.state, func.count()).group_by(OutboxEntry.state)).all())
            open_conflicts = session.scalar(
                select(func.count()).select_from(Conflict).where(Conflict.resolved_at.is_(None))
            )
            pending_numbers = session.scalar(
                select(func.count()).select_from(Incident).where(Incident.number.is_(None))
            )
            left = leased_numbers_left(session)
        return SyncStatus(
            server_url=snapshot.server_url,
            username=snapshot.username,
            role=snapshot.role,
            logged_in=self._logged_in(snapshot),
            pending=int(by_state.get(OutboxState.PENDING, 0)) if snapshot.server_url else 0,
            errors=int(by_state.get(OutboxState.REJECTED, 0)),
            conflicts=int(open_conflicts or 0),
            pending_numbers=int(pending_numbers or 0),
            leased_numbers_left=left,
            last_sync_at=snapshot.last_pull_at,
            last_push_at=snapshot.last_push_at,
            last_error=snapshot.last_error,
            last_error_code=snapshot.last_error_code,
            last_error_at=snapshot.last_error_at,
            bootstrap_done=snapshot.bootstrap_done,
        )

    def outbox(self, states: tuple[OutboxState, ...] | None = None, limit: int = 1000) -> list[OutboxItem]:
        """The newest ``limit`` entries (all states unless given), oldest first."""
        with self.store.read() as session:
            return outbox_items(session, states, limit)

    def errors(self, limit: int = 1000) -> list[OutboxItem]:
        """Changes the server refused: each with its code and reason, to fix and resend or discard."""
        return self.outbox((OutboxState.REJECTED,), limit)

    def resend(self, entry_id: uuid.UUID, changes: dict[str, Any] | None = None) -> OutboxItem:
        """Send a refused change again (``changes`` fix payload fields first), as a new mutation."""
        with self.store.write() as scope:
            return to_item(scope.session, resend_entry(scope, entry_id, changes))

    def discard(self, entry_id: uuid.UUID) -> OutboxItem:
        """Give up a refused change (or one not sent yet); it stays in the outbox's history."""
        with self.store.write() as scope:
            return to_item(scope.session, discard_entry(scope, entry_id))

    def conflicts(self, include_resolved: bool = False) -> list[ConflictView]:
        with self.store.read() as session:
            return conflict_views(session, include_resolved=include_resolved)

    def resolve_conflict(self, conflict_id: uuid.UUID, choice: ConflictChoice) -> ConflictView:
        with self.store.write() as scope:
            return to_conflict_view(scope.session, resolve_locally(scope, conflict_id, choice))

    def close(self) -> None:
        if self._tokens is not None:
            self._tokens.api.close()

    # --- helpers -------------------------------------------------------------------------

    def _connected(self) -> StateSnapshot:
        snapshot = self.store.snapshot()
        if snapshot.server_url is None or snapshot.username is None:
            raise NotConnectedError("This client works offline only: log in to a server first.")
        return snapshot

    def _session_for(self, snapshot: StateSnapshot) -> SessionTokens:
        assert snapshot.server_url is not None
        assert snapshot.username is not None
        tokens = self._tokens
        if tokens is None or (tokens.server_url, tokens.username) != (snapshot.server_url, snapshot.username):
            api = self._api(snapshot.server_url)
            tokens = SessionTokens(api, self._credentials, snapshot.username)
            api.tokens = tokens
            self._tokens = tokens
        return tokens

    def _logged_in(self, snapshot: StateSnapshot) -> bool:
        if snapshot.server_url is None or snapshot.username is None:
            return False
        tokens = self._tokens
        same = tokens is not None and (tokens.server_url, tokens.username) == (snapshot.server_url, snapshot.username)
        if same and tokens is not None and tokens.has_session:
            return True
        return self._credentials.load(snapshot.server_url, snapshot.username) is not None
