"""How long evaluation's month-end sweep holds the service's event loop (ADR 0087).

    uv run python bench/evaluation_sweep.py [--work-orders 500] [--copies 20] [--responses 3000]

Seeds one community's November on a PostgreSQL of its own (`EmbeddedPostgres`, loopback):
``--work-orders`` work orders, each created, resolved and rated (the KPI facts go in as the
service takes them), their aggregates copied to ``--work-orders`` × ``--copies`` (a large
community's), and ``--responses`` answered questionnaires of each index. Then runs the
month-end sweep for that month twice (the second time after forgetting the first's run)
while a heartbeat on the same loop sleeps 1 ms at a time, and prints the heartbeat's
longest lateness: the longest a request arriving during the sweep waits before the service
even reads it. Beside it the list walk's goal (p99 ≤ 50 ms), which a request waiting
longer than that cannot meet. Merged into bench/results/latest.json under
"evaluation_sweep".
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import text

from evaluation import kpi_store
from evaluation.config import Settings
from evaluation.data import load_questionnaire
from evaluation.domain.kpis import fact_of
from evaluation.domain.surveys.model import QuestionKind
from evaluation.main import MIGRATIONS, build
from evaluation.usecases.month_end import MonthEnd
from sc_contracts.events import WorkOrderChangedV1, WorkOrderRatedV1
from sc_core import collector
from sc_core.db.migrate import upgrade
from sc_devinfra.postgres import EmbeddedPostgres

RESULTS = Path(__file__).parent / "results" / "latest.json"
CST = timezone(timedelta(hours=8))
COMMUNITY = "BENCH-001"
GOAL_MS = 50.0  # the list walk's p99 goal (issue 28)


def november(day: int, hour: float) -> datetime:
    return datetime(2026, 11, day, tzinfo=CST) + timedelta(hours=hour)


def events(n: int) -> list[Any]:
    """Work order ``n``'s life in November: created, resolved three hours later, rated."""
    day, wo = 1 + n % 28, f"wo-{n}"

    def changed(action: str, status: str, hour: float) -> WorkOrderChangedV1:
        return WorkOrderChangedV1(
            work_order_id=wo,
            case_type="repair",
            action=action,
            status=status,
            previous_status=None,
            priority="normal",
            community_id=COMMUNITY,
            building_id=f"B{n % 20}",
            source="app",
            occurred_at=november(day, hour),
        )

    return [
        changed("created", "submitted", 9),
        changed("resolve", "resolved", 12),
        WorkOrderRatedV1(
            work_order_id=wo,
            case_type="repair",
            community_id=COMMUNITY,
            building_id=None,
            rating=1 + n % 5,
            comment=None,
            rated_by=f"u-{n}",
            rated_at=november(day, 15),
        ),
    ]


def answers(index: str, rng: random.Random) -> dict[str, Any]:
    """One resident's answers to every question of ``index``'s questionnaire."""
    out: dict[str, Any] = {}
    for section in load_questionnaire(index).sections:
        for q in section.questions:
            if q.kind is QuestionKind.SINGLE and q.options:
                out[q.id] = rng.choice(q.options).code
            elif q.kind is QuestionKind.MULTIPLE and q.options:
                out[q.id] = [rng.choice(q.options).code]
            elif q.kind is QuestionKind.LIKERT:
                out[q.id] = rng.randint(1, 5)
            elif q.kind is QuestionKind.NPS:
                out[q.id] = rng.randint(0, 10)
            else:
                out[q.id] = "楼道灯坏了一周才修好" if rng.random() < 0.3 else ""
    return out


async def seed(db: Any, args: argparse.Namespace) -> None:
    rng = random.Random(7)
    async with db.uow() as uow:
        k = 0
        for n in range(args.work_orders):
            for event in events(n):
                fact = fact_of(f"e-{k}", event)
                k += 1
                assert fact is not None
                await kpi_store.apply_fact(uow, fact)
        await uow.commit()
    async with db.uow() as uow:
        await uow.session.execute(
            text(
                "INSERT INTO kpi_aggregates (aggregate, contributions, updated_at) "
                "SELECT a.aggregate || ':' || g, a.contributions, a.updated_at "
                "FROM kpi_aggregates a, generate_series(1, :copies) g"
            ),
            {"copies": args.copies - 1},
        )
        for index in ("gain", "security", "happiness"):
            survey = (
                await uow.session.execute(
                    text(
                        "INSERT INTO surveys (id, community_id, questionnaire, definition, "
                        "status, created_by, created_at) VALUES (gen_random_uuid(), :c, :q, "
                        "'{}'::jsonb, 'closed', 'bench', now()) RETURNING id"
                    ),
                    {"c": COMMUNITY, "q": index},
                )
            ).scalar_one()
            await uow.session.execute(
                text(
                    "INSERT INTO survey_responses (survey_id, respondent_key, community_id, "
                    "answers, anonymous, submitted_at) "
                    "VALUES (:s, :r, :c, CAST(:a AS jsonb), true, :t)"
                ),
                [
                    {
                        "s": survey,
                        "r": f"{index}-{i}",
                        "c": COMMUNITY,
                        "a": json.dumps(answers(index, rng), ensure_ascii=False),
                        "t": november(1 + i % 28, 20),
                    }
                    for i in range(args.responses)
                ],
            )
        await uow.commit()


async def sweep_once(db: Any, version: str) -> dict[str, float]:
    """One sweep of November beside a 1 ms heartbeat on the same loop."""
    lateness: list[float] = []
    running = True

    async def beat() -> None:
        while running:
            t = time.perf_counter()
            await asyncio.sleep(0.001)
            lateness.append(time.perf_counter() - t - 0.001)

    async with db.uow() as uow:  # forget an earlier run: the month is due again
        await uow.session.execute(text("DELETE FROM month_end_runs"))
        await uow.commit()
    heart = asyncio.create_task(beat())
    started = time.perf_counter()
    done = await MonthEnd(db, version, clock=lambda: datetime(2026, 12, 1, 2, tzinfo=CST)).run()
    took = time.perf_counter() - started
    running = False
    await heart
    assert done == [COMMUNITY], done
    lateness.sort()
    return {
        "sweep_s": round(took, 2),
        "longest_wait_ms": round(lateness[-1] * 1000, 1),
        "p99_wait_ms": round(lateness[int(len(lateness) * 0.99)] * 1000, 1),
        "beats": len(lateness),
    }


async def measure(url: str, args: argparse.Namespace) -> dict[str, Any]:
    settings = Settings(
        environment="test",
        database_url=url,
        kafka_bootstrap_servers="127.0.0.1:1",  # the sweep writes to the outbox only
        jwks_url="http://127.0.0.1:1/jwks",
    )
    await upgrade(MIGRATIONS, url)
    runtime, _ = build(settings)
    collector.tune()  # as the service's process does once built (ADR 0064)
    try:
        t = time.perf_counter()
        await seed(runtime.db, args)
        seeded = time.perf_counter() - t
        runs = [await sweep_once(runtime.db, settings.index_method) for _ in range(2)]
    finally:
        await runtime.db.dispose()
    return {"seed_s": round(seeded, 1), "runs": runs}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work-orders", type=int, default=500)
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--responses", type=int, default=3000)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="sc-bench-sweep-") as work,
        EmbeddedPostgres(Path(work) / "pg") as postgres,
    ):
        result = asyncio.run(measure(postgres.create_database("evaluation"), args))
    worst = max(r["longest_wait_ms"] for r in result["runs"])
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    data["evaluation_sweep"] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "settings": {
            "aggregates": args.work_orders * args.copies,
            "responses_per_index": args.responses,
        },
        "longest_wait_ms": worst,
        "goal_ms": GOAL_MS,
        **result,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    for i, r in enumerate(result["runs"], 1):
        print(
            f"evaluation's month-end sweep of one community ({args.work_orders * args.copies:,} "
            f"aggregates, 3 × {args.responses:,} responses), run {i}: {r['sweep_s']} s; the "
            f"event loop's longest wait {r['longest_wait_ms']} ms, p99 {r['p99_wait_ms']} ms "
            f"(goal: under the list walk's p99 of {GOAL_MS:g} ms)"
        )
    print(f"written to {RESULTS} (key evaluation_sweep)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
