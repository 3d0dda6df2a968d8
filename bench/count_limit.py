"""What the bounded count of a list costs at COUNT_LIMIT 10,000 and at 1,000 (ADR 0017's
addendum): ``EXPLAIN (ANALYZE, BUFFERS)`` of ``sc_core.paging.count_query`` on lists of the
seeded 100,000-row state, old and new alternating, the first round dropped (cache warm-up).

    uv run python bench/count_limit.py --postgres postgresql://postgres:postgres@HOST:PORT/
        [--pairs 11] [--plans]

``--postgres`` is a server holding bench/list_walk.py's seeded databases (``--hold`` prints
its address; or a copy of its ``--state-dir`` started on its own: never the state in
place). Cases: work-orders as the property manager of the community with the most cases
(the scope filter is an OR of the community, the reporter and the assignee), work-orders
as platform_admin, and the platform-wide audit trail. Printed: each limit's median
execution time and the median and quartiles of the new/old ratio of each pair.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
from typing import Any

import asyncpg
from audit.db.queries import RecordFilters, search_query
from sqlalchemy import Select, select, true
from sqlalchemy.dialects import postgresql

from sc_core import paging
from sc_core.auth import Principal
from sc_core.auth.principal import Grant
from work_orders.db.cases import LISTED, visible_clause
from work_orders.db.models import WorkOrder

LIMITS = (10_000, 1_000)


def work_orders_of(principal: Principal) -> Select[Any]:
    """What work-orders' list pages (``work_orders.db.cases.page``, no filter), built here
    with literal values (the service keeps one statement per shape; the count is the same)."""
    table = WorkOrder.__table__
    query = select(*LISTED).where(visible_clause(principal))
    return query.order_by(table.c.created_at.desc(), table.c.id.desc())


def count_sql(query: Select[Any], limit: int) -> str:
    paging.COUNT_LIMIT = limit  # count_query reads it when called
    statement = paging.count_query(query)
    return str(
        statement.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    )


async def cases(base: str) -> dict[str, tuple[str, Select[Any]]]:
    conn = await asyncpg.connect(base + "work_orders")
    community, rows = await conn.fetchrow(
        "SELECT community_id, count(*) FROM work_orders GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
    )
    everything = await conn.fetchval("SELECT count(*) FROM work_orders")
    await conn.close()
    manager = Principal("pm-bench", grants=(Grant("property_manager", "community", community),))
    admin = Principal("pa-bench", grants=(Grant("platform_admin", "platform", "*"),))
    conn = await asyncpg.connect(base + "audit")
    records = await conn.fetchval("SELECT count(*) FROM audit_record")
    await conn.close()
    return {
        f"work-orders, property_manager of one community ({rows:,} rows; OR scope)": (
            "work_orders",
            work_orders_of(manager),
        ),
        f"work-orders, platform_admin ({everything:,} rows)": (
            "work_orders",
            work_orders_of(admin),
        ),
        f"audit trail, platform-wide ({records:,} rows)": (
            "audit",
            search_query(RecordFilters(), true()),
        ),
    }


async def measure(base: str, database: str, query: Select[Any], pairs: int) -> dict[str, Any]:
    conn = await asyncpg.connect(base + database)
    times: dict[int, list[float]] = {limit: [] for limit in LIMITS}
    plans: dict[int, str] = {}
    try:
        for n in range(pairs + 1):
            for limit in LIMITS if n % 2 else LIMITS[::-1]:
                rows = await conn.fetch("EXPLAIN (ANALYZE, BUFFERS) " + count_sql(query, limit))
                plans[limit] = "\n".join(r[0] for r in rows)
                found = re.search(r"Execution Time: ([\d.]+) ms", plans[limit])
                if n and found:
                    times[limit].append(float(found.group(1)))
    finally:
        await conn.close()
    ratios = sorted(new / old for old, new in zip(times[10_000], times[1_000], strict=True))
    quartiles = statistics.quantiles(ratios, n=4)
    return {"times": times, "plans": plans, "ratio": statistics.median(ratios), "q": quartiles}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", required=True, help="postgresql://user:pw@host:port/")
    parser.add_argument("--pairs", type=int, default=11)
    parser.add_argument("--plans", action="store_true", help="print the last plan of each")
    args = parser.parse_args()
    base = args.postgres.rstrip("/") + "/"
    for name, (database, query) in (await cases(base)).items():
        found = await measure(base, database, query, args.pairs)
        print(f"## {name}")
        for limit in LIMITS:
            ms = found["times"][limit]
            print(f"  COUNT_LIMIT {limit:>6,}: median {statistics.median(ms):7.2f} ms")
        q = found["q"]
        print(f"  new/old per pair: median {found['ratio']:.3f}, quartiles {q[0]:.3f}-{q[2]:.3f}")
        if args.plans:
            for limit in LIMITS:
                print(f"--- plan at {limit:,}:\n{found['plans'][limit]}")


if __name__ == "__main__":
    asyncio.run(main())
