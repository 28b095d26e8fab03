"""Every error answers ``{"detail": {"code": ..., "message": ...}}`` with a proper status (PROTOCOL.md)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from central_server.services.errors import RequestRefusedError

log = logging.getLogger("central_server")


def error_response(
    status_code: int,
    code: str,
    message: str,
    headers: dict[str, str] | None = None,
    extra: dict[str, object] | None = None,
) -> JSONResponse:
    body = {"detail": {"code": code, "message": message}} | (extra or {})
    return JSONResponse(body, status_code=status_code, headers=headers)


async def _refused(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestRefusedError)
    return error_response(exc.status_code, exc.code, exc.message, exc.headers, exc.extra)


async def _invalid_request(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = "; ".join(
        f"{'.'.join(str(part) for part in error.get('loc', ()))}: {error.get('msg', 'invalid')}"
        for error in exc.errors()[:5]
    )
    return error_response(422, "validation_error", problems or "The request is not valid.")


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    return error_response(exc.status_code, code, str(exc.detail), dict(exc.headers or {}))


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected failure", exc_info=exc)
    return error_response(500, "internal_error", "The server failed unexpectedly; the request may be retried.")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestRefusedError, _refused)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
