"""CPU per request of work-orders' list, old and new code in alternating pairs (ADR 0040's
in-process method, ADR 0054's figures).

    PAIRS=30 VARIANT=connection uv run pytest -p no:cacheprovider \
        bench/read_path_pairs.py -q -s -n 0 --timeout 3600

The work-orders app (real PostgreSQL and Apache Kafka from ``sc_devinfra``, its lifespan
started) is called as ASGI, with no server and no network, by ``CONCURRENCY`` tasks at once:
``GET /api/v1/work-orders`` (a page of 20 of 60 cases) with a property_manager's token.
Each block of calls is timed by ``time.process_time()`` (this process's CPU, every thread);
blocks of the old and the new variant alternate (old-new, then new-old), so load on the
shared machine moves both sides of a pair alike. Printed: the mean of each side and the
median of the pair ratios, and the load average before and after. A pytest module only
for the fixtures; it asserts nothing about speed.

Variants (``VARIANT``): ``connection`` (the list read on a ``Session`` of a read-only unit
of work vs on ``db.read()``'s connection).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sc_core.auth import Grant
from sc_core.auth.testing import LocalIssuer

sys.path.insert(0, str(Path(__file__).parents[1] / "services" / "work-orders" / "tests"))

from wo_helpers import Harness, make_settings, start_harness
from work_orders.db import cases as repo
from work_orders.usecases.cases import Cases, now_utc

PAIRS = int(os.environ.get("PAIRS", "30"))
CONCURRENCY = int(os.environ.get("CONCURRENCY", "32"))
CALLS = int(os.environ.get("CALLS", "5"))  # per task and block
VARIANT = os.environ.get("VARIANT", "connection")
FAILED: list[int] = []  # statuses other than 200 (printed; a run with any is void)


@contextmanager
def _session_page() -> Iterator[None]:
    """The list as it was before ADR 0054: rows read through a read-only unit of work."""
    new = Cases.page

    async def old(self: Cases, who: Any, where: repo.CaseFilter, paging: Any) -> Any:
        async with self.db.uow(read_only=True) as uow:
            return await repo.page(uow.session, who.principal, where, paging, now_utc())  # type: ignore[arg-type]

    Cases.page = old  # type: ignore[method-assign]
    try:
        yield
    finally:
        Cases.page = new  # type: ignore[method-assign]


@contextmanager
def _as_is() -> Iterator[None]:
    yield


VARIANTS: dict[str, tuple[Callable[[], Any], Callable[[], Any]]] = {
    "connection": (_session_page, _as_is),
}


async def _call(app: Any, headers: list[tuple[bytes, bytes]]) -> int:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/api/v1/work-orders",
        "raw_path": b"/api/v1/work-orders",
        "query_string": b"limit=20",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("work-orders", 80),
    }
    status = 0
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def _block(app: Any, headers: list[tuple[bytes, bytes]]) -> float:
    async def task() -> None:
        for _ in range(CALLS):
            status = await _call(app, headers)
            if status != 200:
                FAILED.append(status)

    start = time.process_time()
    await asyncio.gather(*(task() for _ in range(CONCURRENCY)))
    return (time.process_time() - start) / (CONCURRENCY * CALLS) * 1e6


async def test_pairs(
    module_database_url: str,
    kafka_bootstrap: str,
    kafka_idempotence: bool,
    jwks_url: str,
    issuer: LocalIssuer,
    tmp_path: Path,
) -> None:
    settings = make_settings(
        module_database_url, kafka_bootstrap, kafka_idempotence, jwks_url, attachment_dir=tmp_path
    )
    async with start_harness(settings, issuer) as h:
        await _run(h)


async def _run(h: Harness) -> None:
    community = "c-bench"
    for n in range(60):
        household = f"hh-{n % 12}"
        await h.create(
            h.resident(household),
            case_type="repair",
            title=f"楼道灯不亮 Stairway light out ({n})",
            description="三楼 third floor " * 10,
            community_id=community,
            building_id=f"b-{n % 4}",
            household_id=household,
            place="1-1 楼道 stairway",
        )
    token = h.issuer.bearer(  # lives past the run (the default 300 s does not, under load)
        "mgr-bench", grants=[Grant("property_manager", "community", community)], ttl=7200
    )["Authorization"]
    headers = [(b"authorization", token.encode()), (b"accept-language", b"zh-CN")]
    old, new = VARIANTS[VARIANT]
    for _ in range(3):  # warm both (caches, pool)
        for variant in (old, new):
            with variant():
                await _block(h.app, headers)
    load_before = os.getloadavg()
    olds: list[float] = []
    news: list[float] = []
    for i in range(PAIRS):
        order = [(old, olds), (new, news)] if i % 2 == 0 else [(new, news), (old, olds)]
        for variant, into in order:
            with variant():
                into.append(await _block(h.app, headers))
    load_after = os.getloadavg()
    ratios = sorted(n / o for o, n in zip(olds, news, strict=True))
    print(
        f"\n{VARIANT}: {PAIRS} pairs, c={CONCURRENCY}, {CALLS * CONCURRENCY} calls per block; "
        f"load {load_before[0]:.1f} -> {load_after[0]:.1f}\n"
        f"  old mean {statistics.mean(olds):,.0f} us (median {statistics.median(olds):,.0f})\n"
        f"  new mean {statistics.mean(news):,.0f} us (median {statistics.median(news):,.0f})\n"
        f"  pair ratio new/old: median {statistics.median(ratios):.3f}, "
        f"quartiles {ratios[len(ratios) // 4]:.3f}-{ratios[3 * len(ratios) // 4]:.3f}, "
        f"range {ratios[0]:.3f}-{ratios[-1]:.3f}; "
        f"answers other than 200: {len(FAILED)} {sorted(set(FAILED))}"
    )
