"""uvicorn's HTTP protocol with TCP_NODELAY on every connection, also under ``serve --workers N``.

asyncio turns Nagle's algorithm off only for sockets whose ``proto`` is IPPROTO_TCP. uvicorn's
worker processes listen on a socket made with ``proto`` 0, so their connections kept Nagle on, and
each small response waited for the client's delayed ACK: about 45 ms a request with two workers
against 2 ms with one.
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.auto import AutoHTTPProtocol


class NoDelayHTTPProtocol(AutoHTTPProtocol):  # type: ignore[misc, valid-type]
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
