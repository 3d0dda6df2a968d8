"""uvicorn's HTTP protocol with an answer of known length written in one piece (ADR 0068).

uvicorn's httptools protocol writes an answer's status line and headers in one
``transport.write`` and its body in another: two ``send`` system calls per answer and two
TCP segments. :class:`OneWriteHttp` holds the head of an answer that states its
``Content-Length`` until the body's first write and sends both together. Nothing else
changes:

- an answer without a length (chunked: event streams, downloads of unknown size) and the
  head of a ``HEAD`` answer are written at once, as before, so a stream's client sees its
  head before the first event;
- a head held when the connection is closed (the app failed between head and body) is
  written before the close, as uvicorn wrote it before;
- ``100 Continue`` goes out when the app first reads the body, as before.

Every service serves with it (``sc_core.cli.run_service`` and ``sc_core.workers`` name
:data:`PROTOCOL` as uvicorn's ``http`` option); ``bench/one_write.py`` measures it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn._types import ASGI3Application
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle

PROTOCOL = "sc_core.one_write:OneWriteHttp"
"""uvicorn's ``http`` option: the class by name, so that worker processes import it too."""


class HeadHeld:
    """The transport one request's cycle writes to: the first write after the answer
    started (its head) waits for the next when the answer has a ``Content-Length``."""

    __slots__ = ("_cycle", "_head", "_head_seen", "_transport")

    def __init__(self, transport: asyncio.Transport, cycle: RequestResponseCycle) -> None:
        self._transport = transport
        self._cycle = cycle
        self._head: bytes | None = None
        self._head_seen = False

    def write(self, data: bytes) -> None:
        head = self._head
        if head is not None:
            self._head = None
            self._transport.write(head + data)
            return
        cycle = self._cycle
        if not self._head_seen and cycle.response_started:
            self._head_seen = True  # uvicorn writes the head first, in one piece
            if cycle.chunked_encoding is False and cycle.scope["method"] != "HEAD":
                self._head = data  # a body follows: its first write takes the head along
                return
        self._transport.write(data)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def flush(self) -> None:
        head, self._head = self._head, None
        if head is not None and not self._transport.is_closing():
            self._transport.write(head)

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def __getattr__(self, name: str) -> Any:  # anything else the cycle may ask of it
        return getattr(self._transport, name)


class OneWriteHttp(HttpToolsProtocol):
    """uvicorn's httptools protocol; each request's cycle writes through :class:`HeadHeld`."""

    def _start_asgi_task(self, cycle: RequestResponseCycle, app: ASGI3Application) -> None:
        cycle.transport = HeadHeld(cycle.transport, cycle)  # type: ignore[assignment]
        super()._start_asgi_task(cycle, app)
