"""Patrols (6.3 h): routes of QR checkpoints, scheduled rounds, scans with time and place;
a round whose window has ended is closed (a job), and missed checkpoints or long gaps
between scans open a ``patrol_issue`` case (once per round: the round's status changes in
the same transaction)."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sc_core.api import PageParams
from sc_core.auth import Caller, ensure_in_scope, in_scope
from sc_core.db.engine import Database
from sc_core.errors import Conflict, Forbidden, NotFound, Problem
from work_orders.api.schemas.patrols import RoundCreate, RouteCreate, ScanCreate
from work_orders.db import cases as cases_repo
from work_orders.db import patrols as repo
from work_orders.db.models import PatrolCheckpoint, PatrolRound, PatrolRoute, PatrolScan
from work_orders.domain.cases import NewCase
from work_orders.domain.patrols import RoundOutcome, longest_gap_minutes
from work_orders.domain.states import MANAGER_ROLES, RESIDENT_ROLES, STAFF_ROLES
from work_orders.domain.titles import patrol_title
from work_orders.usecases.lifecycle import Lifecycle, now_utc

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RouteView:
    route: PatrolRoute
    checkpoints: list[PatrolCheckpoint]


@dataclass(frozen=True)
class RoundView:
    round: PatrolRound
    scanned_codes: list[str]


@dataclass(frozen=True)
class ResultView:
    """How a closed round went, for residents: no patroller, no single scan's time."""

    route_name: str
    round: PatrolRound
    checkpoints: int
    missed_places: list[str]


def _route_not_found() -> NotFound:
    return NotFound("patrol.route_not_found", "No such patrol route", zh="没有这条巡更路线")


class Patrols:
    def __init__(self, db: Database, lifecycle: Lifecycle) -> None:
        self.db = db
        self.lifecycle = lifecycle

    # routes ------------------------------------------------------------------------
    async def create_route(self, who: Caller, body: RouteCreate) -> RouteView:
        ensure_in_scope(who.principal, community_id=body.community_id, roles=MANAGER_ROLES)
        async with self.db.uow() as uow:
            route = PatrolRoute(
                id=uuid.uuid4(),
                community_id=body.community_id,
                name=body.name,
                max_gap_minutes=body.max_gap_minutes,
                created_at=datetime.now(UTC),
            )
            uow.session.add(route)
            await uow.session.flush()
            cps = [
                PatrolCheckpoint(
                    id=uuid.uuid4(),
                    route_id=route.id,
                    code=c.code,
                    place=c.place,
                    position=i,
                    longitude=c.longitude,
                    latitude=c.latitude,
                )
                for i, c in enumerate(body.checkpoints, start=1)
            ]
            uow.session.add_all(cps)
            await uow.session.flush()
            await uow.audit(
                who,
                "patrol_route.create",
                "patrol_route",
                str(route.id),
                community_id=route.community_id,
            )
            await uow.commit()
        return RouteView(route, cps)

    async def routes(self, who: Caller, paging: PageParams) -> tuple[list[RouteView], int]:
        async with self.db.uow(read_only=True) as uow:
            rows, total = await repo.routes_page(uow, who.principal, paging)
            points = await repo.checkpoints_of(uow, [r.id for r in rows])
            return [RouteView(r, points[r.id]) for r in rows], total

    # rounds ------------------------------------------------------------------------
    async def create_round(self, who: Caller, body: RoundCreate) -> RoundView:
        async with self.db.uow() as uow:
            found = await repo.route(uow, body.route_id)
            if found is None:
                raise _route_not_found()
            route, _ = found
            ensure_in_scope(who.principal, community_id=route.community_id, roles=MANAGER_ROLES)
            if not await cases_repo.on_register(uow, route.community_id, body.assignee_id):
                # any string, or a resident, was taken as the round's patroller (issue 30)
                raise Problem(
                    422,
                    "patrol.assignee_not_staff",
                    "The patroller must be on this community's staff register",
                    zh="巡更人员必须是本社区登记在册的工作人员",
                    assignee_id=body.assignee_id,
                )
            rnd = PatrolRound(
                id=uuid.uuid4(),
                route_id=route.id,
                community_id=route.community_id,
                assignee_id=body.assignee_id,
                window_start=body.window_start,
                window_end=body.window_end,
                status="scheduled",
                missed_codes=[],
                created_at=datetime.now(UTC),
            )
            uow.session.add(rnd)
            await uow.session.flush()
            await uow.audit(
                who,
                "patrol_round.create",
                "patrol_round",
                str(rnd.id),
                community_id=rnd.community_id,
            )
            await uow.commit()
            return RoundView(rnd, await repo.scanned_codes(uow, rnd.id))

    async def rounds(
        self, who: Caller, paging: PageParams, *, status: str | None, assignee: str | None
    ) -> tuple[list[RoundView], int]:
        if assignee == "me":
            assignee = who.subject
        async with self.db.uow(read_only=True) as uow:
            rows, total = await repo.rounds_page(
                uow, who.principal, paging, status=status, assignee=assignee
            )
            scanned = await repo.scanned_codes_of(uow, [r.id for r in rows])
            return [RoundView(r, scanned[r.id]) for r in rows], total

    async def scan(self, who: Caller, round_id: uuid.UUID, body: ScanCreate) -> RoundView:
        """The round's patroller (or a manager) scans a checkpoint within the window."""
        async with self.db.uow() as uow:
            rnd = await repo.lock_round(uow, round_id)
            principal = who.principal
            if rnd is None or not in_scope(
                principal, community_id=rnd.community_id, roles=STAFF_ROLES
            ):
                raise NotFound(
                    "patrol.round_not_found", "No such patrol round", zh="没有这个巡更班次"
                )
            if rnd.assignee_id != who.subject and not principal.has_role(*MANAGER_ROLES):
                raise Problem(
                    403,
                    "patrol.not_your_round",
                    "Only the round's patroller scans on it",
                    zh="只有本班次的巡更人员可以扫码",
                )
            if rnd.status != "scheduled":
                raise Conflict("patrol.round_closed", "The round is closed", zh="本班次巡更已结束")
            at = body.scanned_at or datetime.now(UTC)
            if not rnd.window_start <= at <= rnd.window_end:
                raise Conflict(
                    "patrol.outside_window",
                    "The scan is outside the round's window",
                    zh="扫码时间不在本班次巡更时段内",
                )
            cp = await repo.checkpoint(uow, rnd.route_id, body.code)
            if cp is None:
                raise Problem(
                    422,
                    "patrol.unknown_checkpoint",
                    "That code is not a checkpoint of this route",
                    zh="此码不是本路线的巡更点",
                )
            uow.session.add(
                PatrolScan(
                    id=uuid.uuid4(),
                    round_id=rnd.id,
                    checkpoint_id=cp.id,
                    scanned_by=who.subject,
                    scanned_at=at,
                    longitude=body.longitude,
                    latitude=body.latitude,
                    created_at=datetime.now(UTC),
                )
            )
            await uow.session.flush()
            await uow.audit(
                who,
                "patrol.scan",
                "patrol_round",
                str(rnd.id),
                community_id=rnd.community_id,
                detail={"code": body.code},
            )
            await uow.commit()
            return RoundView(rnd, await repo.scanned_codes(uow, rnd.id))

    # results (residents) -------------------------------------------------------------
    async def results(
        self, who: Caller, community_id: str, paging: PageParams
    ) -> tuple[list[ResultView], int]:
        """Closed rounds of a community. Household grants do not name their community, so
        any resident may read a community's summaries; they hold no personal data."""
        principal = who.principal
        if not (
            principal.has_role(*RESIDENT_ROLES) or in_scope(principal, community_id=community_id)
        ):
            raise Forbidden(
                "auth.forbidden",
                "Residents and staff of the community read patrol results",
                zh="只有本社区的居民和工作人员可以查看巡更结果",
            )
        async with self.db.uow(read_only=True) as uow:
            rows, total = await repo.closed_rounds_page(uow, community_id, paging)
            out = []
            for rnd, name in rows:
                out.append(
                    ResultView(
                        route_name=name,
                        round=rnd,
                        checkpoints=await repo.checkpoint_count(uow, rnd.route_id),
                        missed_places=await repo.places_of(
                            uow, rnd.route_id, rnd.missed_codes or []
                        ),
                    )
                )
            return out, total

    # the job -----------------------------------------------------------------------
    async def close_ended_rounds(self, *, now: datetime | None = None, batch: int = 200) -> int:
        """Close rounds whose window ended; returns how many cases were opened."""
        now = now or now_utc()
        opened = 0
        async with self.db.uow() as uow:
            for rnd in await repo.ended_rounds(uow, now, batch):
                route = await repo.route_of(uow, rnd)
                checkpoints = await repo.checkpoints(uow, route.id)
                scans = await repo.scans(uow, rnd.id)
                seen = {s.checkpoint_id for s in scans}
                times = [s.scanned_at for s in scans]
                outcome = RoundOutcome(
                    missed=[(c.code, c.place) for c in checkpoints if c.id not in seen],
                    longest_gap=longest_gap_minutes(times, rnd.window_start, rnd.window_end),
                    max_gap=route.max_gap_minutes,
                )
                rnd.missed_codes = [code for code, _ in outcome.missed]
                rnd.longest_gap_minutes = outcome.longest_gap
                rnd.closed_at = now
                rnd.status = outcome.status
                if outcome.status == "missed":
                    title, title_en = patrol_title(route.name, outcome)
                    wo = await self.lifecycle.open(
                        uow,
                        NewCase(
                            case_type="patrol_issue",
                            title=title,
                            description=outcome.details(),
                            community_id=rnd.community_id,
                            source="patrol",
                            details={
                                "title_en": title_en,
                                "round_id": str(rnd.id),
                                "route_id": str(route.id),
                                "missed_codes": ",".join(rnd.missed_codes),
                                "longest_gap_minutes": outcome.longest_gap,
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

    async def run(self) -> None:
        """The periodic job."""
        await self.close_ended_rounds()
