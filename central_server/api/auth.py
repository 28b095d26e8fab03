"""POST /auth/login, /auth/refresh, /auth/logout."""

from __future__ import annotations

from fastapi import APIRouter, Response

from central_server.api.deps import ContextDep
from central_server.services import auth
from sync_protocol.schemas import LoginRequest, RefreshRequest, TokenPair

router = APIRouter(prefix="/auth", tags=["auth"])
REFUSALS = {401: {"description": "bad credentials, disabled user or invalid token"}}


@router.post("/login", responses={**REFUSALS, 429: {"description": "too many failed logins"}})
def login(body: LoginRequest, ctx: ContextDep) -> TokenPair:
    return auth.login(ctx, body)


@router.post("/refresh", responses=REFUSALS)
def refresh(body: RefreshRequest, ctx: ContextDep) -> TokenPair:
    return auth.refresh(ctx, body.refresh_token)


@router.post("/logout", status_code=204)
def logout(body: RefreshRequest, ctx: ContextDep) -> Response:
    auth.logout(ctx, body.refresh_token)
    return Response(status_code=204)
