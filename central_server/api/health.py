"""GET /health: 200 when the database answers, 503 when it does not. No auth."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import select

from central_server.api.deps import ContextDep
from central_server.models import CHANGES_COUNTER, Counter

router = APIRouter(tags=["health"])


@router.get("/health", responses={503: {"description": "the database does not answer"}})
def health(ctx: ContextDep) -> JSONResponse:
    try:
        with ctx.engine.connect() as connection:
            # A real table, not SELECT 1: a replaced or damaged database file must fail here.
            connection.execute(select(Counter.value).where(Counter.name == CHANGES_COUNTER)).scalar_one()
    except Exception as exc:
        message = f"The database does not answer: {type(exc).__name__}."
        return JSONResponse(
            {"status": "unavailable", "detail": {"code": "database_unavailable", "message": message}}, status_code=503
        )
    return JSONResponse({"status": "ok"})
