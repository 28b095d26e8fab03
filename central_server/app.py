"""create_app(settings): the FastAPI application of one server process. No globals."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from central_server import __version__
from central_server.api import auth, blobs, health, info, sync
from central_server.api.errors import install_error_handlers
from central_server.context import ServerContext, open_server
from central_server.domain.clock import Clock, utc_now
from central_server.services.mail_outbox import start_mail_sender
from central_server.settings import ServerSettings

# Requests run in worker threads. Forty of them (anyio's default) fighting for the GIL starved the one
# holding the write lock: each of its statements waited for a turn, and every other writer waited
# for it. Fewer threads queue the rest on the event loop instead.
REQUEST_THREADS = int(os.environ.get("HELPDESK_SERVER_THREADS", "4"))


def limit_request_threads() -> None:
    import anyio.to_thread

    anyio.to_thread.current_default_thread_limiter().total_tokens = REQUEST_THREADS


def create_app(settings: ServerSettings, *, clock: Clock = utc_now, context: ServerContext | None = None) -> FastAPI:
    """Connect and migrate now (a bad database fails the start, not the first request)."""
    ctx = context or open_server(settings, clock=clock)
    owns_context = context is None

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        limit_request_threads()
        mail_sender = start_mail_sender(ctx)
        yield
        if mail_sender is not None:
            mail_sender.stop()
        if owns_context:
            ctx.close()

    app = FastAPI(
        title="Help desk central server",
        version=__version__,
        summary="Sync protocol v1 for the offline-first help desk (sync_protocol/PROTOCOL.md).",
        lifespan=lifespan,
    )
    app.state.context = ctx
    install_error_handlers(app)
    for router in (health.router, info.router, auth.router, sync.router, blobs.router):
        app.include_router(router)
    return app


def app_from_environment() -> FastAPI:
    """The app of one ``serve --workers N`` process: settings from the environment the parent set."""
    from central_server.settings import settings_from_environment

    return create_app(settings_from_environment())
