"""A cap on the event streams one caller holds open at the gateway at once.

Each stream holds an upstream connection and a task for as long as it is open; one user
held 130 (issue 30.13). A caller with a token is counted by subject; a stream opened with a
single-use ticket is not counted here (by address it would cap every resident behind one
NAT together): the service redeeming the ticket knows whose it is. Past the cap the gateway
answers 429 ``gateway.too_many_streams`` before forwarding; a stream's slot is freed when
it ends, however it ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sc_core.errors import Problem


class StreamSlots:
    def __init__(self, per_caller: int) -> None:
        self.per_caller = per_caller
        self.open: dict[str, int] = {}

    @contextmanager
    def hold(self, caller: str) -> Iterator[None]:
        held = self.open.get(caller, 0)
        if held >= self.per_caller:
            raise Problem(
                429,
                "gateway.too_many_streams",
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
