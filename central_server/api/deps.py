"""Request dependencies: the server context and the authenticated actor."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from central_server.context import ServerContext
from central_server.domain.permissions import Actor
from central_server.services.actors import load_actor
from central_server.services.auth import session_active
from central_server.services.errors import unauthorized
from central_server.services.tokens import read_access_token
from central_server.services.transaction import read_session

_bearer = HTTPBearer(auto_error=False)


def get_context(request: Request) -> ServerContext:
    return request.app.state.context


ContextDep = Annotated[ServerContext, Depends(get_context)]


def current_actor(
    ctx: ContextDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Actor:
    if credentials is None:
        raise unauthorized("invalid_token", "Send Authorization: Bearer <access token>.")
    claims = read_access_token(ctx.settings.jwt_secret, credentials.credentials, now=ctx.clock())
    with read_session(ctx) as session:
        actor = load_actor(session, claims.user_id)
        ended = claims.session_id is not None and not session_active(session, claims.session_id)
    if actor is None:
        raise unauthorized("invalid_token", "This account is disabled or no longer exists; log in again.")
    if ended:
        raise unauthorized("invalid_token", "This session has ended (logged out or revoked); log in again.")
    return actor


ActorDep = Annotated[Actor, Depends(current_actor)]
