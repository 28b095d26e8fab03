"""JWT access tokens (HS256) and opaque refresh tokens stored as their SHA-256."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from central_server.services.errors import unauthorized

ALGORITHM = "HS256"


@dataclass(frozen=True)
class AccessClaims:
    user_id: uuid.UUID
    role: str
    expires_at: datetime
    # The login (refresh-token family) the token belongs to: ending it ends the token too.
    session_id: uuid.UUID | None = None


def issue_access_token(
    secret: str, *, user_id: uuid.UUID, role: str, now: datetime, ttl: timedelta, session_id: uuid.UUID | None = None
) -> str:
    claims = {
        "sub": str(user_id),
        "sid": None if session_id is None else str(session_id),
        "role": role,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_access_token(secret: str, token: str, *, now: datetime) -> AccessClaims:
    """401 ``token_expired`` (refresh and retry once) or 401 ``invalid_token`` (log in again)."""
    try:
        # Expiry is checked against the server's clock (a test's clock in tests), not PyJWT's.
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            options={"verify_exp": False, "verify_iat": False, "require": ["sub", "exp", "jti"]},
        )
        user_id = uuid.UUID(str(claims["sub"]))
        expires = int(claims["exp"])
        session_id = uuid.UUID(str(claims["sid"])) if claims.get("sid") else None
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise unauthorized("invalid_token", "The access token is not valid; log in again.") from exc
    if now.timestamp() >= expires:
        raise unauthorized("token_expired", "The access token has expired; refresh it and retry.")
    return AccessClaims(
        user_id=user_id,
        role=str(claims.get("role", "")),
        expires_at=datetime.fromtimestamp(expires),
        session_id=session_id,
    )


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


def refresh_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
