"""Energy roll-ups per community and building (6.1.3 c), kept correct on late data.

The consumption of a meter in a bucket is how much its cumulative counter's running
maximum rose since its previous bucket (see :mod:`device_ingestion.api.energy`). Summing
that over 2,000 meters for a year by day reads ~730,000 roll-up rows, so the sums per
community and building are precomputed in ``energy_rollups``:

- storing a meter reading marks its community dirty from the reading's bucket on
  (``energy_dirty``, per period; in the storage transaction, see ingest/storage.py);
  moving or deleting a meter marks the whole history dirty;
- the refresh job (``ENERGY_REFRESH_INTERVAL_S``) recomputes a dirty community's buckets
  from ``since`` on and clears the mark unless it was marked again meanwhile (``seq``);
- a query reads the precomputed buckets before ``since`` and computes the rest live, so
  its answer is always exact (while readings stream in, only today is live).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from device_ingestion.domain.catalogue import Catalogue
from sc_core.db.engine import Database

log = logging.getLogger(__name__)

PERIODS = ("day", "month", "year")
# what asyncpg sends as -infinity / infinity for timestamptz
NEG_INFINITY = datetime(1, 1, 1, tzinfo=UTC)
INFINITY = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
KINDS = ("water", "electricity", "gas")


def meter_keys(catalogue: Catalogue) -> tuple[list[str], list[str], list[str]]:
    """(device types, their counter keys, their kinds) of every meter type."""
    types, keys, kinds = [], [], []
    for kind in KINDS:
        for t in catalogue.meter_types(kind):
            assert t.counter is not None
            types.append(t.name)
            keys.append(t.counter)
            kinds.append(kind)
    return types, keys, kinds


# Per meter and bucket (from :start): the rise of the running maximum; shared by the live
# query (one scope) and the refresh (a whole community, grouped by building).
def consumption_cte(where: str) -> str:
    # where is a fixed condition on d (devices), never user input
    return f"""
        meters AS MATERIALIZED (
            SELECT d.id, d.building_id, t.key, t.kind FROM devices d
              JOIN unnest(CAST(:types AS text[]), CAST(:keys AS text[]),
                          CAST(:kinds AS text[])) AS t(type, key, kind)
                ON t.type = d.device_type
             WHERE {where}
        ), b AS (
            -- per meter in id order, its buckets in index order: the windows need no big sort
            SELECT m.id AS device_id, m.building_id, m.kind, r.bucket, r.min, r.max
              FROM (SELECT * FROM meters ORDER BY id) m
             CROSS JOIN LATERAL (
                SELECT r.bucket, r.min, r.max FROM telemetry_rollups r
                 WHERE r.device_id = m.id AND r.key = m.key AND r.period = :period
                   AND r.bucket >= :start AND r.bucket < :end
                 ORDER BY r.bucket) r
        ), base AS (
            SELECT m.id AS device_id, prev.max AS level
              FROM meters m, LATERAL (
                SELECT r.max FROM telemetry_rollups r
                 WHERE r.device_id = m.id AND r.key = m.key AND r.period = :period
                   AND r.bucket < :start
                 ORDER BY r.bucket DESC LIMIT 1) prev
        ), used AS (
            -- level = running max (or the baseline); one sort serves both windows
            SELECT b.kind, b.building_id, b.bucket,
                   greatest(max(b.max) OVER w, base.level)
                   - coalesce(greatest(max(b.max) OVER before, base.level), b.min) AS c
              FROM b LEFT JOIN base ON base.device_id = b.device_id
            WINDOW w AS (PARTITION BY b.device_id ORDER BY b.bucket
                         ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
                   before AS (PARTITION BY b.device_id ORDER BY b.bucket
                              ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
        )"""  # noqa: S608


_REFRESH = text(
    "WITH "  # noqa: S608
    + consumption_cte("d.community_id = :community")
    + """
    INSERT INTO energy_rollups (scope, scope_id, community_id, kind, period, bucket, consumption)
    SELECT 'community', :community, :community, kind, :period, bucket, sum(c)
      FROM used GROUP BY kind, bucket
    UNION ALL
    SELECT 'building', building_id, :community, kind, :period, bucket, sum(c)
      FROM used WHERE building_id IS NOT NULL GROUP BY building_id, kind, bucket
    """
)

_MARK = text(
    """
    INSERT INTO energy_dirty AS e (community_id, period, since)
    SELECT c, p, CAST(:since AS timestamptz)
      FROM unnest(CAST(:communities AS text[])) AS c,
           unnest(CAST(:periods AS text[])) AS p
     ORDER BY 1, 2
    ON CONFLICT (community_id, period) DO UPDATE
        SET since = least(e.since, excluded.since), seq = e.seq + 1
    """
)


async def mark_all_dirty(session: Any, *communities: str) -> None:
    """The whole history of these communities is to be recomputed (a meter moved ...)."""
    await session.execute(
        _MARK,
        {"communities": sorted(set(communities)), "periods": list(PERIODS), "since": NEG_INFINITY},
    )


async def refresh(db: Database, catalogue: Catalogue) -> int:
    """Recompute every dirty community and period; returns how many were refreshed."""
    types, keys, kinds = meter_keys(catalogue)
    async with db.engine.connect() as conn:
        marks = (
            await conn.execute(text("SELECT community_id, period, since, seq FROM energy_dirty"))
        ).all()
    done = 0
    for mark in marks:
        async with db.engine.begin() as conn:
            # one replica at a time per community and period
            await conn.execute(
                text("SELECT pg_advisory_xact_lock(hashtext('energy:' || :c || ':' || :p))"),
                {"c": mark.community_id, "p": mark.period},
            )
            await conn.execute(text("SET LOCAL work_mem = '64MB'"))
            await conn.execute(
                text(
                    "DELETE FROM energy_rollups WHERE community_id = :c AND period = :p "
                    "AND bucket >= :since"
                ),
                {"c": mark.community_id, "p": mark.period, "since": mark.since},
            )
            await conn.execute(
                _REFRESH,
                {
                    "types": types,
                    "keys": keys,
                    "kinds": kinds,
                    "community": mark.community_id,
                    "period": mark.period,
                    "start": mark.since,
                    "end": INFINITY,
                },
            )
            # a mark set again meanwhile (its seq moved) stays for the next round
            await conn.execute(
                text(
                    "DELETE FROM energy_dirty WHERE community_id = :c AND period = :p "
                    "AND seq = :seq"
                ),
                {"c": mark.community_id, "p": mark.period, "seq": mark.seq},
            )
        done += 1
    return done
