"""What a plain ``def`` dependency costs per request: FastAPI runs it in the thread pool.

    uv run python bench/dependency_pairs.py [--pairs 30]

Two apps alike but for one dependency, the use-case getter every route of care,
gov-affairs and parking-payment took (``def _records(request)``, ADR 0054): ``def`` in the
old app, ``async def`` in the new. Each is called as ASGI in this process (no server, no
network) by 32 concurrent tasks; CPU per request by ``time.process_time()`` per block,
blocks of the old and the new app alternating (ADR 0040's pairs), median of the pair
ratios printed with the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from typing import Any

from fastapi import Depends, FastAPI, Request

CONCURRENCY = 32
CALLS = 20


class UseCase:
    def page(self) -> dict[str, Any]:
        return {"items": [{"id": n, "title": f"item {n}"} for n in range(20)], "total": 20}


def _sync_getter(request: Request) -> UseCase:
    found: UseCase = request.app.state.usecase
    return found


async def _async_getter(request: Request) -> UseCase:
    found: UseCase = request.app.state.usecase
    return found


def _app(getter: Any) -> FastAPI:
    app = FastAPI()
    app.state.usecase = UseCase()

    @app.get("/items")
    async def items(usecase: UseCase = Depends(getter)) -> dict[str, Any]:
        return usecase.page()

    return app


async def _call(app: Any) -> None:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/items",
        "raw_path": b"/items",
        "query_string": b"",
        "root_path": "",
        "headers": [],
        "client": ("127.0.0.1", 50000),
        "server": ("bench", 80),
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            assert message["status"] == 200, message

    await app(scope, receive, send)


async def _block(app: FastAPI) -> float:
    async def task() -> None:
        for _ in range(CALLS):
            await _call(app)

    start = time.process_time()
    await asyncio.gather(*(task() for _ in range(CONCURRENCY)))
    return (time.process_time() - start) / (CONCURRENCY * CALLS) * 1e6


async def main(pairs: int) -> None:
    old, new = _app(_sync_getter), _app(_async_getter)
    for _ in range(3):
        await _block(old)
        await _block(new)
    load = os.getloadavg()[0]
    olds: list[float] = []
    news: list[float] = []
    for i in range(pairs):
        order = [(old, olds), (new, news)] if i % 2 == 0 else [(new, news), (old, olds)]
        for app, into in order:
            into.append(await _block(app))
    ratios = sorted(n / o for o, n in zip(olds, news, strict=True))
    print(
        f"plain def vs async def getter: {pairs} pairs, c={CONCURRENCY}; "
        f"load {load:.1f} -> {os.getloadavg()[0]:.1f}\n"
        f"  old mean {statistics.mean(olds):,.0f} us, new mean {statistics.mean(news):,.0f} us\n"
        f"  pair ratio new/old: median {statistics.median(ratios):.3f}, "
        f"range {ratios[0]:.3f}-{ratios[-1]:.3f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=30)
    asyncio.run(main(parser.parse_args().pairs))
