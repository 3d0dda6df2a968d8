"""Patrols (6.3 h): routes of QR checkpoints, scheduled rounds, scans; a round whose window
has ended is closed, and missed checkpoints or long gaps between scans open a
``patrol_issue`` case (once per round: the round's status changes in the same
transaction)."""

from __future__ import annotations

import itertools
import logging
from datetime import datetime

from sqlalchemy import select

from sc_core.db.engine import Database
from work_orders.cases import NewCase, now_utc, open_case
from work_orders.db.models import PatrolCheckpoint, PatrolRound, PatrolRoute, PatrolScan
from work_orders.events import Topics

log = logging.getLogger(__name__)


def longest_gap_minutes(times: list[datetime], start: datetime, end: datetime) -> int:
    """Longest stretch without a scan inside the window (from its start to its end)."""
    points = [start, *sorted(times), end]
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(points)]
    return int(max(gaps, default=0) // 60)


async def close_ended_rounds(
    db: Database, topics: Topics, *, now: datetime | None = None, batch: int = 200
) -> int:
    """Close rounds whose window ended; returns how many cases were opened."""
    now = now or now_utc()
    opened = 0
    async with db.uow() as uow:
        rounds = (
            await uow.session.scalars(
                select(PatrolRound)
                .where(PatrolRound.status == "scheduled", PatrolRound.window_end <= now)
                .order_by(PatrolRound.window_end)
                .limit(batch)
                .with_for_update(skip_locked=True)
            )
        ).all()
        for rnd in rounds:
            route = await uow.session.get(PatrolRoute, rnd.route_id)
            assert route is not None
            checkpoints = (
                await uow.session.scalars(
                    select(PatrolCheckpoint)
                    .where(PatrolCheckpoint.route_id == route.id)
                    .order_by(PatrolCheckpoint.position)
                )
            ).all()
            scans = (
                await uow.session.scalars(select(PatrolScan).where(PatrolScan.round_id == rnd.id))
            ).all()
            seen = {s.checkpoint_id for s in scans}
            missed = [c for c in checkpoints if c.id not in seen]
            gap = longest_gap_minutes(
                [s.scanned_at for s in scans], rnd.window_start, rnd.window_end
            )
            too_long = route.max_gap_minutes is not None and gap > route.max_gap_minutes
            rnd.missed_codes = [c.code for c in missed]
            rnd.longest_gap_minutes = gap
            rnd.closed_at = now
            rnd.status = "missed" if (missed or too_long) else "completed"
            if missed or too_long:
                reasons = []
                if missed:
                    reasons.append("missed: " + ", ".join(f"{c.code} {c.place}" for c in missed))
                if too_long:
                    reasons.append(f"longest gap {gap} min > {route.max_gap_minutes} min")
                wo = await open_case(
                    uow,
                    topics,
                    NewCase(
                        case_type="patrol_issue",
                        title=f"巡更异常 Patrol {route.name}: " + "; ".join(reasons)[:150],
                        description="; ".join(reasons),
                        community_id=rnd.community_id,
                        source="patrol",
                        details={
                            "round_id": str(rnd.id),
                            "route_id": str(route.id),
                            "missed_codes": ",".join(rnd.missed_codes),
                            "longest_gap_minutes": gap,
                            "patroller_id": rnd.assignee_id,
                        },
                    ),
                    actor_id=None,
                )
                rnd.work_order_id = wo.id
                opened += 1
        await uow.commit()
    if opened:
        log.info("patrols: %d rounds with issues", opened)
    return opened
