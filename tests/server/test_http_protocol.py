"""Connections get TCP_NODELAY even when the listening socket was made without ``proto`` (uvicorn workers)."""

from __future__ import annotations

import asyncio
import socket

from uvicorn.config import Config
from uvicorn.server import ServerState

from central_server.http_protocol import NoDelayHTTPProtocol


async def _nodelay_of_accepted_connection() -> tuple[int, int]:
    accepted: list[socket.socket] = []

    class Probe(NoDelayHTTPProtocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            accepted.append(transport.get_extra_info("socket"))

    config = Config(app=lambda *_args: None, log_level="warning")
    config.load()
    listener = socket.socket(family=socket.AF_INET)  # proto 0, as uvicorn's Config.bind_socket makes it
    listener.bind(("127.0.0.1", 0))
    server = await asyncio.get_running_loop().create_server(lambda: Probe(config, ServerState(), {}), sock=listener)
    try:
        _reader, writer = await asyncio.open_connection(*listener.getsockname())
        for _ in range(100):
            if accepted:
                break
            await asyncio.sleep(0.01)
        nodelay = accepted[0].getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        writer.close()
        return listener.proto, nodelay
    finally:
        server.close()


def test_a_connection_on_a_proto_zero_listener_has_nagle_turned_off():
    proto, nodelay = asyncio.run(_nodelay_of_accepted_connection())
    assert proto == 0  # the case asyncio's own nodelay skips
    assert nodelay == 1
