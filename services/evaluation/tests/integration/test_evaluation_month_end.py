"""Must show: once a month has ended (China Standard Time, after the grace for late
events), the month-end sweep computes last month's indices of every community the service
knows, once: a second run, a restart (a new sweep) and two replicas sweeping at the same
moment compute nothing again; with each community's month goes one desensitised exchange
record on evaluation.exchange.v1 (the outbox); and while the sweep scores a community, the
service goes on answering (the scoring runs off the event loop). The clock is injected;
nothing sleeps."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from evaluation_harness import offline
from sqlalchemy import func, select
from sqlalchemy.sql import column, table

from evaluation import figures as figures_module
from evaluation import kpi_queries, kpi_store
from evaluation.db.models import PLACES, IndexFigureRow, MonthEndRun
from evaluation.domain.kpis import fact_of
from evaluation.usecases.month_end import MonthEnd
from evaluation_fixtures import COMMUNITY, CST, at, rated, step

OTHER = "DEMO-002"  # known only from the place directory


def cst(year: int, month: int, day: int, hour: float) -> datetime:
    return datetime(year, month, day, int(hour), int(hour % 1 * 60), tzinfo=CST)


async def test_month_end_computes_last_month_once(module_database_url: str) -> None:
    settings, runtime, usecases = await offline(module_database_url)
    db = runtime.db
    try:
        async with db.uow() as uow:
            for i, event in enumerate(
                [
                    step("w1", "created", "submitted", at(3, 9)),
                    step("w1", "resolve", "resolved", at(3, 12)),
                    rated("w1", 5, at(4, 9)),
                ]
            ):
                fact = fact_of(f"m{i}", event)
                assert fact is not None
                await kpi_store.apply_fact(uow, fact)
            await uow.session.execute(
                PLACES.households.insert().values(
                    household_id="H9",
                    community_id=OTHER,
                    building_id="B9",
                    unit_id="U9",
                    room_id="R9",
                    status="active",
                    updated_at=datetime.now(UTC),
                )
            )
            await uow.commit()

        def sweep(now: datetime) -> MonthEnd:
            return MonthEnd(db, settings.index_method, clock=lambda: now)

        async def figures(period: str) -> dict[str, int]:
            async with db.uow(read_only=True) as uow:
                rows = await uow.session.execute(
                    select(IndexFigureRow.community_id, func.count())
                    .where(IndexFigureRow.period == period)
                    .group_by(IndexFigureRow.community_id)
                )
                return dict(rows.all())

        # half an hour into December: still the grace for November's late events, so the
        # month due is October (the directory's community; nothing counted there)
        assert await sweep(cst(2026, 12, 1, 0.5)).run() == [OTHER]
        assert await figures("2026-11") == {}
        # an hour and a half in: November, for both communities, three indices each
        assert await sweep(cst(2026, 12, 1, 1.5)).run() == [COMMUNITY, OTHER]
        assert await figures("2026-11") == {COMMUNITY: 3, OTHER: 3}
        async with db.uow(read_only=True) as uow:
            gain = await uow.session.scalar(
                select(IndexFigureRow).where(
                    IndexFigureRow.community_id == COMMUNITY,
                    IndexFigureRow.period == "2026-11",
                    IndexFigureRow.index == "gain",
                )
            )
            assert gain is not None and gain.method_version == settings.index_method
            rating = next(x for x in gain.leaves if x["code"] == "wo.rating_mean")
            assert rating["n"] == 1 and rating["raw"] == 5 and rating["inputs"] == ["m2"]
        # the same sweep again, a restart later in the month, the composition's own sweep
        assert await sweep(cst(2026, 12, 1, 1.5)).run() == []
        assert await sweep(cst(2026, 12, 31, 23.9)).run() == []
        assert await usecases.month_end.run(cst(2026, 12, 15, 9)) == []
        # two replicas at the turn of the year: each community's December is done once
        now = cst(2027, 1, 1, 2)
        done = await asyncio.gather(sweep(now).run(), sweep(now).run())
        assert sorted(done[0] + done[1]) == [COMMUNITY, OTHER]
        async with db.uow(read_only=True) as uow:
            runs = await uow.session.execute(
                select(MonthEndRun.period, func.count()).group_by(MonthEndRun.period)
            )
            assert dict(runs.all()) == {"2026-10": 1, "2026-11": 2, "2026-12": 2}
            # one exchange record per community and month, keyed by both, nothing personal
            outbox = table("event_outbox", column("topic"), column("key"), column("payload"))
            sent = (
                await uow.session.execute(select(outbox.c.topic, outbox.c.key, outbox.c.payload))
            ).all()
        assert sorted(key for _, key, _ in sent) == sorted(
            [f"{OTHER}:2026-10", f"{COMMUNITY}:2026-11", f"{OTHER}:2026-11"]
            + [f"{COMMUNITY}:2026-12", f"{OTHER}:2026-12"]
        )
        assert {topic for topic, _, _ in sent} == {"evaluation.exchange.v1"}
        november = next(json.loads(p) for _, key, p in sent if key == f"{COMMUNITY}:2026-11")
        record = november.get("data", november)
        rating = next(k for k in record["kpis"] if k["kpi"] == "wo.rating_mean")
        assert (rating["value"], rating["n"], rating["suppressed"]) == (None, None, True)
        assert "w1" not in json.dumps(record) and "H9" not in json.dumps(record)
    finally:
        await db.dispose()


async def test_requests_are_answered_while_the_sweep_scores(
    module_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sweep's two CPU-heavy steps (sifting the KPIs' event ids, scoring the responses
    and the index) are held at a gate until a read has been answered on the service's event
    loop. Run on the loop, as they were, a held step would hold the loop and the read with it:
    the gate would give up after its bound and the sweep fail. (The list walk saw it: the
    first sweep after a month computed ten large communities' indices and every request to
    evaluation waited up to 1.2 s.)"""
    settings, runtime, _ = await offline(module_database_url)
    db = runtime.db
    loop_thread = threading.get_ident()  # this test runs on the service's event loop
    held = {"sift": threading.Event(), "score": threading.Event()}
    released = {"sift": threading.Event(), "score": threading.Event()}
    on_loop: list[str] = []

    def gated(name: str, step: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any) -> Any:
            if threading.get_ident() == loop_thread:
                on_loop.append(name)
            held[name].set()
            if not released[name].wait(60):
                raise TimeoutError(f"{name}: nothing was answered while it was held")
            return step(*args)

        return run

    monkeypatch.setattr(kpi_queries, "_sift", gated("sift", kpi_queries._sift))
    monkeypatch.setattr(figures_module, "_figure", gated("score", figures_module._figure))
    try:
        async with db.uow() as uow:  # June: a work order resolved and rated
            for i, event in enumerate(
                [
                    step("w6", "created", "submitted", at(3, 9, month=6)),
                    step("w6", "resolve", "resolved", at(3, 12, month=6)),
                    rated("w6", 4, at(4, 9, month=6)),
                ]
            ):
                fact = fact_of(f"june{i}", event)
                assert fact is not None
                await kpi_store.apply_fact(uow, fact)
            await uow.commit()

        async def answered() -> int:  # a reader of the service, as a request would be
            async with db.uow(read_only=True) as uow:
                return int(await uow.session.scalar(select(func.count(MonthEndRun.period))))

        sweep = asyncio.create_task(
            MonthEnd(db, settings.index_method, clock=lambda: cst(2026, 7, 1, 2)).run()
        )
        for name in ("sift", "score"):
            assert await asyncio.to_thread(held[name].wait, 60), f"{name} never ran"
            assert not sweep.done()
            await answered()  # answered while the step is held
            released[name].set()
        assert COMMUNITY in await sweep
        assert on_loop == []
        async with db.uow(read_only=True) as uow:
            gain = await uow.session.scalar(
                select(IndexFigureRow).where(
                    IndexFigureRow.period == "2026-06", IndexFigureRow.index == "gain"
                )
            )
        assert gain is not None
        rating = next(x for x in gain.leaves if x["code"] == "wo.rating_mean")
        assert rating["raw"] == 4 and rating["inputs"] == ["june2"]
    finally:
        await db.dispose()
