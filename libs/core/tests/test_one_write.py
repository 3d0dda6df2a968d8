"""uvicorn with ``sc_core.one_write`` (ADR 0068): an answer of known length is written in
one piece; streams, ``HEAD``, keep-alive and a failed answer behave as before.

A real uvicorn server on a loopback port, read by a raw client protocol; the server's
writes to its socket are counted on their way (the event loop's own transport, wrapped)."""

from __future__ import annotations

import asyncio
from asyncio import selector_events
from collections.abc import AsyncIterator
from typing import Any

import pytest
import uvicorn

from sc_core.one_write import PROTOCOL
from sc_devinfra import free_port
from sc_devinfra.waiting import eventually

BODY = b'{"username":"property_manager","display":"\xe7\x89\xa9\xe4\xb8\x9a"}'
stream_may_go_on = asyncio.Event()


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    assert scope["type"] == "http"
    path = scope["path"]
    if path == "/stream":  # no length: the head must not wait for the first event
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await stream_may_go_on.wait()
        await send({"type": "http.response.body", "body": b"data: 1\n\n", "more_body": True})
        await send({"type": "http.response.body", "body": b""})
        return
    length = [(b"content-length", str(len(BODY)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": length})
    if path == "/fails":  # the head went out, then the app broke
        raise RuntimeError("broken between head and body")
    await send({"type": "http.response.body", "body": BODY})


class Pieces(asyncio.Protocol):
    def __init__(self) -> None:
        self.pieces: list[bytes] = []
        self.closed = False

    def data_received(self, data: bytes) -> None:
        self.pieces.append(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True

    @property
    def text(self) -> bytes:
        return b"".join(self.pieces)


@pytest.fixture
async def server() -> AsyncIterator[int]:
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, http=PROTOCOL, lifespan="off", log_config=None
    )
    served = uvicorn.Server(config)
    task = asyncio.create_task(served.serve())
    await eventually(lambda: served.started, timeout=30)
    yield port
    served.should_exit = True
    await task


@pytest.fixture
def server_writes(monkeypatch: pytest.MonkeyPatch, server: int) -> list[bytes]:
    """What the server wrote to its sockets, one item per write."""
    writes: list[bytes] = []
    transport_class: Any = selector_events._SelectorSocketTransport
    write = transport_class.write

    def counted(self: Any, data: bytes) -> None:
        if self.get_extra_info("sockname")[1] == server:
            writes.append(bytes(data))
        write(self, data)

    monkeypatch.setattr(transport_class, "write", counted)
    return writes


async def _connect(port: int) -> tuple[asyncio.Transport, Pieces]:
    loop = asyncio.get_running_loop()
    transport, client = await loop.create_connection(Pieces, "127.0.0.1", port)
    return transport, client


def _request(method: str, path: str) -> bytes:
    return f"{method} {path} HTTP/1.1\r\nHost: test\r\n\r\n".encode()


def _answers(client: Pieces, n: int) -> bool:
    return client.text.count(b"HTTP/1.1 200 OK") == n and client.text.endswith(BODY)


async def test_an_answer_of_known_length_is_written_in_one_piece(
    server: int, server_writes: list[bytes]
) -> None:
    transport, client = await _connect(server)
    transport.write(_request("GET", "/me"))
    await eventually(lambda: _answers(client, 1), timeout=30)
    assert server_writes == [client.text]  # head and body left in one write
    head, body = client.text.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 200 OK")
    assert f"content-length: {len(BODY)}".encode() in head
    assert body == BODY
    # the same connection serves the next request the same way
    transport.write(_request("GET", "/me"))
    await eventually(lambda: _answers(client, 2), timeout=30)
    assert len(server_writes) == 2
    assert not client.closed
    transport.close()


async def test_a_stream_sends_its_head_before_its_first_event(server: int) -> None:
    stream_may_go_on.clear()
    transport, client = await _connect(server)
    transport.write(_request("GET", "/stream"))
    await eventually(lambda: client.text.endswith(b"\r\n\r\n"), timeout=30)
    assert client.text.startswith(b"HTTP/1.1 200 OK")
    assert b"transfer-encoding: chunked" in client.text
    assert b"data: 1" not in client.text  # the head came alone, before any event
    stream_may_go_on.set()
    await eventually(lambda: client.text.endswith(b"0\r\n\r\n"), timeout=30)
    assert b"9\r\ndata: 1\n\n\r\n" in client.text
    transport.close()


async def test_a_head_request_gets_its_head_and_keeps_the_connection(server: int) -> None:
    transport, client = await _connect(server)
    transport.write(_request("HEAD", "/me"))
    await eventually(lambda: client.text.endswith(b"\r\n\r\n"), timeout=30)
    assert client.text.startswith(b"HTTP/1.1 200 OK")
    assert f"content-length: {len(BODY)}".encode() in client.text
    transport.write(_request("GET", "/me"))
    await eventually(lambda: _answers(client, 2), timeout=30)
    assert not client.closed
    transport.close()


async def test_an_app_failing_after_the_head_sends_the_head_and_closes(server: int) -> None:
    transport, client = await _connect(server)
    transport.write(_request("GET", "/fails"))
    await eventually(lambda: client.closed, timeout=30)
    assert client.text.startswith(b"HTTP/1.1 200 OK")  # as uvicorn did: head, then close
    assert client.text.endswith(b"\r\n\r\n")
    assert BODY not in client.text
