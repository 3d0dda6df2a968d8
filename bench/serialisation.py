"""What serialising a page costs, by the way a route hands it to FastAPI (ADR 0056).

    uv run python bench/serialisation.py [--rounds 15]

One FastAPI app, one page of 20 items of ~1 KB (ids, Chinese and English text, times),
four routes that differ only in how the page leaves the route:

- ``model``: returns ``Page[ItemRead]`` with that ``response_model``: FastAPI validates it
  and, with no response class set, serialises it with pydantic-core straight to bytes
  (FastAPI's ``dump_json`` path);
- ``bytes``: serialises it itself (``model_dump_json``) and returns a ``Response``;
- ``no model``: no ``response_model``: FastAPI's ``jsonable_encoder``, then ``json.dumps``;
- ``floor``: builds the same items and returns ``{}``: what everything but serialising costs.

Called as ASGI in this process; CPU per request by ``time.process_time()`` per block of
300, the routes in turn within each round, medians over the rounds and the median ratio of
each route to ``model`` within a round.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Response
from pydantic import BaseModel

from sc_core.paging import Page, PageParams


class ItemRead(BaseModel):
    id: uuid.UUID
    title: str
    description: str
    status: str
    community_id: str
    created_at: datetime
    due_at: datetime | None
    tags: list[str]


NOW = datetime.now(UTC)
PAGE = PageParams(limit=20)


def items() -> list[ItemRead]:
    return [
        ItemRead(
            id=uuid.uuid4(),
            title=f"楼道灯不亮 Stairway light out ({n})",
            description="三楼 third floor " * 40,
            status="open",
            community_id="c-1",
            created_at=NOW,
            due_at=NOW,
            tags=["repair", "light"],
        )
        for n in range(20)
    ]


app = FastAPI()


@app.get("/model", response_model=Page[ItemRead])
async def as_model() -> Any:
    return Page[ItemRead].of(items(), 40, PAGE)


@app.get("/bytes", response_model=Page[ItemRead])
async def as_bytes() -> Response:
    body = Page[ItemRead].of(items(), 40, PAGE).model_dump_json()
    return Response(body, media_type="application/json")


@app.get("/no-model")
async def no_model() -> Any:
    return Page[ItemRead].of(items(), 40, PAGE)


@app.get("/floor", response_model=Page[ItemRead])
async def floor() -> Response:
    items()
    return Response(b"{}", media_type="application/json")


ROUTES = {"model": "/model", "bytes": "/bytes", "no model": "/no-model", "floor": "/floor"}


async def call(path: str) -> bytes:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [],
        "client": ("127.0.0.1", 50000),
        "server": ("bench", 80),
    }
    body: list[bytes] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            body.append(message["body"])

    await app(scope, receive, send)
    return b"".join(body)


async def block(path: str, n: int = 300) -> float:
    began = time.process_time()
    for _ in range(n):
        await call(path)
    return (time.process_time() - began) / n * 1e6


async def run(rounds: int) -> None:
    shapes = {name: json.loads(await call(path)).keys() for name, path in ROUTES.items()}
    assert shapes["model"] == shapes["bytes"] == shapes["no model"], shapes
    for path in ROUTES.values():
        await block(path, 50)
    figures: dict[str, list[float]] = {name: [] for name in ROUTES}
    for _ in range(rounds):
        for name, path in ROUTES.items():
            figures[name].append(await block(path))
    for name, values in figures.items():
        ratios = [v / m for v, m in zip(values, figures["model"], strict=True)]
        print(
            f"{name:>9}: {statistics.median(values):6,.0f} us per page; "
            f"ratio to model: median {statistics.median(ratios):.3f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    asyncio.run(run(parser.parse_args().rounds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
