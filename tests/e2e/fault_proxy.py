"""A small HTTP/1.1 proxy on 127.0.0.1 between a real client and a real server, for the attachment tests.

It reads each request the client sends (headers and a Content-Length body; ``requests`` sends no chunked
bodies), may damage or cut it, and forwards it; answers flow back untouched. Faults are one-shot:

- ``cut_upload_at``: when the chunk bodies forwarded would pass this many bytes, forward the headers and
  half the body of that chunk, then drop both connections (a link that dies mid-upload);
- ``flip_chunk``: flip one byte in the body of the N-th (1-based) chunk sent to ``PATCH /blobs/uploads``;
- ``chunk_delay``: sleep before forwarding each chunk (slow enough to kill a client mid-upload).

``chunks`` records every chunk request seen: (Upload-Offset, body length, whether it was damaged or cut).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass, field

BUFFER = 64 * 1024


@dataclass
class ChunkSeen:
    offset: int
    length: int
    fault: str | None = None


@dataclass
class FaultProxy:
    upstream_port: int
    cut_upload_at: int | None = None
    flip_chunk: int | None = None
    chunk_delay: float = 0.0
    chunks: list[ChunkSeen] = field(default_factory=list)
    port: int = 0
    _listener: socket.socket | None = None
    _stopped: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _forwarded_chunk_bytes: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultProxy:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        listener.settimeout(0.2)
        self._listener, self.port = listener, listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        if self._listener is not None:
            self._listener.close()

    def _accept(self) -> None:
        assert self._listener is not None
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            threading.Thread(target=self._requests, args=(client, upstream), daemon=True).start()
            threading.Thread(target=_pipe, args=(upstream, client), daemon=True).start()

    def _requests(self, client: socket.socket, upstream: socket.socket) -> None:
        reader = client.makefile("rb")
        try:
            while not self._stopped.is_set():
                head = _read_head(reader)
                if head is None:
                    return
                length = _content_length(head)
                body = reader.read(length) if length else b""
                if not self._forward(head, body, upstream):
                    return
        except OSError:
            return
        finally:
            _close(client, upstream)

    def _forward(self, head: bytes, body: bytes, upstream: socket.socket) -> bool:
        """Send one request on; False when this proxy cut the connection."""
        request_line = head.split(b"\r\n", 1)[0]
        if not request_line.startswith(b"PATCH /blobs/uploads/"):
            upstream.sendall(head + body)
            return True
        with self._lock:
            seen = ChunkSeen(offset=_header_int(head, b"upload-offset"), length=len(body))
            self.chunks.append(seen)
            if self.cut_upload_at is not None and self._forwarded_chunk_bytes + len(body) > self.cut_upload_at:
                self.cut_upload_at = None
                seen.fault = "cut"
                upstream.sendall(head + body[: len(body) // 2])
                return False
            if self.flip_chunk is not None and len(self.chunks) == self.flip_chunk:
                self.flip_chunk = None
                seen.fault = "flipped"
                body = body[:-1] + bytes([body[-1] ^ 0x40])
            self._forwarded_chunk_bytes += len(body)
        if self.chunk_delay:
            time.sleep(self.chunk_delay)
        upstream.sendall(head + body)
        return True


def _read_head(reader) -> bytes | None:  # type: ignore[no-untyped-def]
    lines: list[bytes] = []
    while True:
        line = reader.readline(BUFFER)
        if not line:
            return None
        lines.append(line)
        if line in (b"\r\n", b"\n"):
            return b"".join(lines)


def _content_length(head: bytes) -> int:
    return _header_int(head, b"content-length")


def _header_int(head: bytes, name: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        if key.strip().lower() == name:
            return int(value.strip())
    return 0


def _pipe(source: socket.socket, target: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while chunk := source.recv(BUFFER):
            target.sendall(chunk)
    _close(source, target)


def _close(*sockets: socket.socket) -> None:
    for each in sockets:
        with contextlib.suppress(OSError):
            each.shutdown(socket.SHUT_RDWR)
        each.close()
