"""Login, refresh rotation with a grace window, logout: PROTOCOL.md "Auth".

The rate limit counts failures in the database, so every process behind one PostgreSQL shares it.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from central_server.context import ServerContext
from central_server.models import Client, LoginFailure, RefreshToken, User
from central_server.services.actors import group_ids_of
from central_server.services.errors import RequestRefusedError, unauthorized
from central_server.services.serialize import user_info
from central_server.services.tokens import (
    issue_access_token,
    new_refresh_token,
    refresh_token_hash,
)
from central_server.services.transaction import write_unit
from sync_protocol.schemas import LoginRequest, TokenPair


def normalise_username(username: str) -> str:
    return username.strip().casefold()


def login(ctx: ServerContext, request: LoginRequest) -> TokenPair:
    username = normalise_username(request.username)
    _refuse_when_rate_limited(ctx, username)
    with ctx.sessions() as session:
        user = session.scalar(select(User).where(User.username == username))
        password_ok = _verify_password(ctx, user.password_hash if user else None, request.password)
    if user is None or not password_ok:
        with write_unit(ctx, serialise=False) as unit:
            # Failures older than the window no longer count: drop them, so the table stays small.
            stale = unit.now - ctx.settings.login_window
            unit.session.execute(
                delete(LoginFailure).where(LoginFailure.username == username, LoginFailure.failed_at <= stale)
            )
            unit.session.add(LoginFailure(username=username, failed_at=unit.now))
        raise unauthorized("invalid_credentials", "Wrong username or password.")
    if not user.is_active:
        raise unauthorized("user_disabled", "This account is disabled; ask an admin.")
    with write_unit(ctx, serialise=False) as unit:
        unit.session.execute(delete(LoginFailure).where(LoginFailure.username == username))
        _bind_client(unit.session, request.client_id, user.id, request.device_name, unit.now)
        return _issue_pair(ctx, unit.session, user, family_id=uuid.uuid4(), client_id=request.client_id, now=unit.now)


def refresh(ctx: ServerContext, token: str) -> TokenPair:
    token_hash = refresh_token_hash(token)
    refusal: RequestRefusedError | None = None
    pair: TokenPair | None = None
    # The transaction commits even when the answer is a refusal: a revoked family must stay revoked.
    with write_unit(ctx, serialise=False) as unit:
        session, now = unit.session, unit.now
        stored = session.scalar(select(RefreshToken).where(RefreshToken.token_hash == token_hash))
        user = session.get(User, stored.user_id) if stored is not None else None
        if stored is None or stored.revoked_at is not None or stored.expires_at <= now:
            refusal = unauthorized("invalid_token", "The refresh token is not valid; log in again.")
        elif user is None or not user.is_active:
            _revoke_family(session, stored.family_id, now)
            refusal = unauthorized("user_disabled", "This account is disabled; ask an admin.")
        elif stored.rotated_at is not None and now - stored.rotated_at > ctx.settings.refresh_grace:
            # A rotated token presented again after the grace window: someone else has a copy.
            _revoke_family(session, stored.family_id, now)
            refusal = unauthorized("invalid_token", "The refresh token was already used; log in again.")
        else:
            # Within the grace window a rotated token yields a fresh pair again (the first answer was lost).
            session.execute(
                update(RefreshToken)
                .where(RefreshToken.id == stored.id, RefreshToken.rotated_at.is_(None))
                .values(rotated_at=now)
            )
            pair = _issue_pair(ctx, session, user, family_id=stored.family_id, client_id=stored.client_id, now=now)
    if refusal is not None:
        raise refusal
    assert pair is not None
    return pair


def logout(ctx: ServerContext, token: str) -> None:
    with write_unit(ctx, serialise=False) as unit:
        stored = unit.session.scalar(select(RefreshToken).where(RefreshToken.token_hash == refresh_token_hash(token)))
        if stored is not None:
            _revoke_family(unit.session, stored.family_id, unit.now)


def session_active(session: Session, session_id: uuid.UUID) -> bool:
    """Whether a login still stands: some refresh token of its family is not revoked (logout and reuse
    detection revoke the whole family, and so end its access tokens at once)."""
    query = select(RefreshToken.id).where(RefreshToken.family_id == session_id, RefreshToken.revoked_at.is_(None))
    return session.scalar(query.limit(1)) is not None


def revoke_user_tokens(session: Session, user_id: uuid.UUID, now: datetime) -> None:
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def _refuse_when_rate_limited(ctx: ServerContext, username: str) -> None:
    window = ctx.settings.login_window
    since = ctx.clock() - window
    with ctx.sessions() as session:
        failures = session.scalar(
            select(func.count())
            .select_from(LoginFailure)
            .where(LoginFailure.username == username, LoginFailure.failed_at > since)
        )
    if (failures or 0) >= ctx.settings.login_max_failures:
        seconds = int(window.total_seconds())
        raise RequestRefusedError(
            429,
            "rate_limited",
            f"Too many failed logins for this user; try again in {seconds} seconds.",
            {"Retry-After": str(seconds)},
        )


def _verify_password(ctx: ServerContext, password_hash: str | None, password: str) -> bool:
    try:
        if password_hash is None:
            ctx.passwords.verify(ctx.dummy_password_hash, password)
            return False
        return ctx.passwords.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _bind_client(
    session: Session, client_id: uuid.UUID, user_id: uuid.UUID, device_name: str | None, now: datetime
) -> None:
    """A client installation belongs to whoever logged in on it last; its seq history stays with it."""
    client = session.get(Client, client_id)
    if client is None:
        session.add(Client(id=client_id, user_id=user_id, device_name=device_name, created_at=now, last_seen_at=now))
    else:
        client.user_id = user_id
        client.device_name = device_name or client.device_name
        client.last_seen_at = now


def _issue_pair(
    ctx: ServerContext,
    session: Session,
    user: User,
    *,
    family_id: uuid.UUID,
    client_id: uuid.UUID | None,
    now: datetime,
) -> TokenPair:
    settings = ctx.settings
    refresh_token = new_refresh_token()
    session.add(
        RefreshToken(
            id=uuid.uuid4(),
            family_id=family_id,
            user_id=user.id,
            client_id=client_id,
            token_hash=refresh_token_hash(refresh_token),
            created_at=now,
            expires_at=now + settings.refresh_token_ttl,
        )
    )
    access = issue_access_token(
        settings.jwt_secret,
        user_id=user.id,
        role=user.role,
        now=now,
        ttl=settings.access_token_ttl,
        session_id=family_id,
    )
    return TokenPair(
        access_token=access,
        refresh_token=refresh_token,
        expires_in=int(settings.access_token_ttl.total_seconds()),
        user=user_info(user, group_ids_of(session, user.id)),
    )


def _revoke_family(session: Session, family_id: uuid.UUID, now: datetime) -> None:
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
