"""A cap on the event streams one caller holds open at once.

Each stream holds a connection and a task for as long as it is open; one user held 130
(issue 30.13). The gateway counts the streams opened with a token, by the token's subject;
a stream opened with a single-use ticket has no token at the gateway (counted by address it
would cap every resident behind one NAT together), so the service that redeems the ticket,
and so knows whose it is, counts every stream it serves with the same :class:`StreamSlots`
(notification's ``GET /api/v1/stream``). Past the cap the answer is 429 with the holder's
``code`` (zh-CN and en) before anything is streamed; a slot is freed when its stream ends,
however it ends. Slots are counted per process: N replicas allow N times the cap.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterator, Mapping
from contextlib import contextmanager

from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from sc_core.errors import Problem


class StreamSlots:
    def __init__(self, per_caller: int, *, code: str) -> None:
        self.per_caller = per_caller
        self.code = code
        self.open: dict[str, int] = {}

    @contextmanager
    def hold(self, caller: str) -> Iterator[None]:
        held = self.open.get(caller, 0)
        if held >= self.per_caller:
            raise Problem(
                429,
                self.code,
                f"At most {self.per_caller} event streams may be open at once; close one first",
                zh=f"同时打开的实时推送连接最多 {self.per_caller} 个，请先关闭其他连接",
                headers={"Retry-After": "5"},
                max_streams=self.per_caller,
            )
        self.open[caller] = held + 1
        try:
            yield
        finally:
            left = self.open[caller] - 1
            if left:
                self.open[caller] = left
            else:
                del self.open[caller]


class HeldStreamingResponse(StreamingResponse):
    """A :class:`StreamingResponse` that holds one of ``caller``'s slots from before its
    first byte until it ends (429 ``slots.code`` when they are all taken): a route returns
    it instead of a plain ``StreamingResponse``."""

    def __init__(
        self,
        content: AsyncIterable[bytes],
        *,
        slots: StreamSlots,
        caller: str,
        media_type: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(content, media_type=media_type, headers=headers)
        self.slots = slots
        self.caller = caller

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with self.slots.hold(self.caller):
            await super().__call__(scope, receive, send)
