"""Population checks (人口核查, 6.5.2 a) as a service.

From the gate passages (``access.passages.v1``) the service keeps one sighting per key,
community and Beijing day (the key a blind index and encrypted: never a face template id
or card number in clear), the day each registered resident was last seen (residents from
identity's placement events) and the keys devices matched to a registered person. Once
per community and day, across restarts and replicas (a claimed row), the sweep looks at
the day that ended: keys seen on enough days but carried by nobody registered, residents
not seen for long; each finding opens a flag for the grid worker and the community police
with its evidence (days, doors), told through the notification service, or adds its new
days to the key's open flag. A flag is worked like a case: assigned, noted, closed with
what was found, reopened; never dropped. The rules are in
:mod:`gov_affairs.domain.population`; ``PopulationFlagChangedV1`` on ``gov.flags.v1``."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects.postgresql import insert

from gov_affairs.db.models import PLACES, FlagRow, SightingRow
from gov_affairs.db.population import KnownKeyRow, ResidentRow, SeenRow, SweepRow
from gov_affairs.domain import population as d
from gov_affairs.domain.messages import both
from sc_contracts.events import (
    NotificationChannel,
    NotificationRequestedV1,
    NotificationSeverity,
    PassageRecordedV1,
    PersonRegisteredV1,
    PopulationFlagChangedV1,
    Recipients,
    ResidencyEndedV1,
    ResidencyStartedV1,
    RoleInScope,
)
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.places import Places
from sc_core.places.words import say_both
from sc_core.privacy import get_cipher

CHINA = d.CHINA
# who is told of a flag and works it: the community's police and grid workers; the
# committee and street office read and work them too
WORKERS = ("grid_worker", "police")
READERS = frozenset({"grid_worker", "police", "community_admin", "gov_officer", "platform_admin"})
KINDS = {
    "unregistered_frequent": ("入住未登记", "seen often, not registered"),
    "absent_resident": ("离开未注销", "registered, not seen"),
}


@dataclass(frozen=True)
class Rules:
    window_days: int = 14
    min_days: int = 5
    absent_days: int = 60
    grace_days: int = 30


def split_summary(summary: str) -> tuple[str, str]:
    """The domain's summary is ``zh / en``: (zh, en)."""
    zh, _, en = summary.partition("/ ")
    return zh.strip(), (en.strip() or zh.strip())


def _digest(key: str) -> str:
    """The keyed digest (blind index) a face template id or card number is kept as."""
    return get_cipher().blind_index(key, "population.key")


def _flag_problem(exc: d.FlagError) -> Problem:
    status = 409 if exc.code == "flag.bad_state" else 422
    return Problem(status, exc.code, str(exc), zh=exc.zh)


def _not_found() -> Problem:
    return Problem(404, "flag.not_found", "No such flag", zh="没有这条核查线索")


class Population:
    def __init__(
        self,
        db: Database,
        places: Places,
        rules: Rules | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.db = db
        self.places = places
        self.rules = rules or Rules()
        self.clock = clock or (lambda: datetime.now(UTC))

    # events ------------------------------------------------------------------------
    async def on_passage(self, event: PassageRecordedV1, uow: UnitOfWork) -> None:
        """Fold one passage: a registered person's day, a key matched to a person, or
        one sighting of an unidentified key."""
        day = event.ts.astimezone(CHINA).date()
        if event.person_id:
            seen = insert(SeenRow).values(person_id=event.person_id, last_seen_on=day)
            await uow.session.execute(
                seen.on_conflict_do_update(
                    index_elements=["person_id"],
                    set_={"last_seen_on": func.greatest(SeenRow.last_seen_on, day)},
                )
            )
            for key in (
                f"face:{event.face_id}" if event.face_id else None,
                f"card:{event.card_no}" if event.card_no else None,
            ):
                if key:
                    await uow.session.execute(
                        insert(KnownKeyRow)
                        .values(key_idx=_digest(key), person_id=event.person_id, seen_at=event.ts)
                        .on_conflict_do_update(
                            index_elements=["key_idx"],
                            set_={"person_id": event.person_id, "seen_at": event.ts},
                        )
                    )
            return
        key = d.subject_key(
            d.Passage(
                ts=event.ts,
                community_id=event.community_id,
                door_id=event.door_id,
                face_id=event.face_id,
                card_no=event.card_no,
                pass_id=event.pass_id,
            )
        )
        if key is None:
            return
        idx = _digest(key)
        row = await uow.session.get(
            SightingRow, (event.community_id, idx, day), with_for_update=True
        )
        if row is None:
            await uow.session.execute(
                insert(SightingRow)
                .values(
                    community_id=event.community_id,
                    key_idx=idx,
                    day=day,
                    key=key,
                    count=0,
                    first_at=event.ts,
                    last_at=event.ts,
                    doors=[],
                )
                .on_conflict_do_nothing()
            )
            row = await uow.session.get(
                SightingRow, (event.community_id, idx, day), with_for_update=True
            )
            assert row is not None
        row.count += 1
        row.first_at = min(row.first_at, event.ts)
        row.last_at = max(row.last_at, event.ts)
        if event.door_id and event.door_id not in row.doors:
            row.doors = sorted([*row.doors, event.door_id])

    async def on_resident(
        self, event: PersonRegisteredV1 | ResidencyStartedV1, uow: UnitOfWork
    ) -> None:
        p = event.placement
        if isinstance(event, PersonRegisteredV1):
            moved_in = event.registered_at.astimezone(CHINA).date()
        else:
            moved_in = date.fromisoformat(event.moved_in_on)
        values: dict[str, Any] = {
            "household_id": event.household_id,
            "community_id": p.community_id,
            "building_id": p.building_id,
            "room_id": p.room_id,
            "grid_id": p.grid_id,
            "moved_in_on": moved_in,
            "active": True,
            "updated_at": self.clock(),
        }
        await uow.session.execute(
            insert(ResidentRow)
            .values(person_id=event.person_id, **values)
            .on_conflict_do_update(index_elements=["person_id"], set_=values)
        )

    async def on_moved_out(self, event: ResidencyEndedV1, uow: UnitOfWork) -> None:
        await uow.session.execute(
            update(ResidentRow)
            .where(
                ResidentRow.person_id == event.person_id,
                ResidentRow.household_id == event.household_id,
            )
            .values(active=False, updated_at=self.clock())
        )

    # the daily sweep -----------------------------------------------------------------
    async def sweep(self, now: datetime | None = None) -> int:
        """Check the day that ended in each community not checked for it yet; the number
        of communities checked by this call."""
        now = now or self.clock()
        day = now.astimezone(CHINA).date() - timedelta(days=1)
        since = day - timedelta(days=self.rules.window_days - 1)
        async with self.db.uow(read_only=True) as uow:
            communities = set(
                await uow.session.scalars(
                    select(SightingRow.community_id).where(SightingRow.day >= since).distinct()
                )
            ) | set(
                await uow.session.scalars(
                    select(ResidentRow.community_id).where(ResidentRow.active).distinct()
                )
            )
        done = 0
        for community in sorted(communities):
            if await self._sweep_one(community, day, now):
                done += 1
        return done

    async def _sweep_one(self, community: str, day: date, now: datetime) -> bool:
        async with self.db.uow() as uow:
            claimed = await uow.session.scalar(
                insert(SweepRow)
                .values(
                    community_id=community, day=day, swept_at=now, flags_opened=0, flags_updated=0
                )
                .on_conflict_do_nothing()
                .returning(SweepRow.day)
            )
            if claimed is None:
                return False  # checked already (another replica, or before a restart)
            findings = await self._findings(uow, community, day)
            opened = updated = 0
            for finding, where in findings:
                changed = await self._raise(uow, finding, where, now)
                opened += changed == "opened"
                updated += changed == "evidence"
            await uow.session.execute(
                update(SweepRow)
                .where(SweepRow.community_id == community, SweepRow.day == day)
                .values(flags_opened=opened, flags_updated=updated)
            )
            await uow.audit(
                None,
                "population.sweep",
                "population_sweep",
                f"{community}:{day.isoformat()}",
                community_id=community,
                detail={"opened": opened, "updated": updated},
            )
            await uow.commit()
        return True

    async def _findings(
        self, uow: UnitOfWork, community: str, day: date
    ) -> list[tuple[d.Finding, ResidentRow | None]]:
        since = day - timedelta(days=self.rules.window_days - 1)
        rows = list(
            await uow.session.scalars(
                select(SightingRow).where(
                    SightingRow.community_id == community,
                    SightingRow.day >= since,
                    SightingRow.day <= day,
                )
            )
        )
        known = frozenset(
            await uow.session.scalars(
                select(KnownKeyRow.key_idx).where(
                    KnownKeyRow.key_idx.in_(sorted({r.key_idx for r in rows}))
                )
            )
        )
        sightings = [
            d.DaySighting(
                community_id=r.community_id,
                key=r.key_idx,  # the digest: the finding never carries the key itself
                day=r.day,
                count=r.count,
                first=r.first_at,
                last=r.last_at,
                doors=set(r.doors),
            )
            for r in rows
        ]
        out: list[tuple[d.Finding, ResidentRow | None]] = [
            (f, None)
            for f in d.frequent_unregistered(
                sightings,
                day,
                window_days=self.rules.window_days,
                min_days=self.rules.min_days,
                registered_keys=known,
            )
        ]
        residents = {
            r.person_id: r
            for r in await uow.session.scalars(
                select(ResidentRow).where(ResidentRow.community_id == community, ResidentRow.active)
            )
        }
        seen = {
            person: day
            for person, day in await uow.session.execute(
                select(SeenRow.person_id, SeenRow.last_seen_on).where(
                    SeenRow.person_id.in_(sorted(residents))
                )
            )
        }
        absent = d.absent_residents(
            [d.Resident(r.person_id, r.community_id, r.moved_in_on) for r in residents.values()],
            seen,
            day,
            absent_days=self.rules.absent_days,
            grace_days=self.rules.grace_days,
        )
        out += [(f, residents[f.key.removeprefix("person:")]) for f in absent]
        return out

    async def _raise(
        self, uow: UnitOfWork, f: d.Finding, resident: ResidentRow | None, now: datetime
    ) -> str | None:
        """Open a flag for the finding, or add its new days to the key's open flag."""
        idx = f.key if resident is None else _digest(f.key)
        row = await uow.session.scalar(
            select(FlagRow)
            .where(
                FlagRow.community_id == f.community_id,
                FlagRow.kind == f.kind,
                FlagRow.key_idx == idx,
                FlagRow.status != "closed",
            )
            .with_for_update()
        )
        if row is not None:
            before = _domain(row)
            after = d.add_evidence(before, f, now)
            if after is before:
                return None
            _write(row, after, now)
            await self._publish(uow, row, now)
            return "evidence"
        flag = d.open_flag(f, now)
        row = FlagRow(
            id=uuid.uuid4(),
            community_id=f.community_id,
            grid_id=resident.grid_id if resident else None,
            building_id=resident.building_id if resident else None,
            person_id=resident.person_id if resident else None,
            household_id=resident.household_id if resident else None,
            room_id=resident.room_id if resident else None,
            kind=f.kind,
            key_idx=idx,
            opened_at=now,
        )
        _write(row, flag, now)
        uow.session.add(row)
        await uow.session.flush()
        await self._publish(uow, row, now)
        await self._tell(uow, row, now)
        return "opened"

    async def _publish(self, uow: UnitOfWork, row: FlagRow, now: datetime) -> None:
        await uow.publish(
            PopulationFlagChangedV1(
                flag_id=str(row.id),
                community_id=row.community_id,
                grid_id=row.grid_id,
                kind=row.kind,
                status=row.status,
                resolution=row.resolution,
                evidence_days=len(row.evidence),
                occurred_at=now,
            ),
            key=str(row.id),
        )

    async def _tell(self, uow: UnitOfWork, row: FlagRow, now: datetime) -> None:
        """The grid worker (of the resident's grid, else of the community's grids) and
        the community police, in the app."""
        scopes = [RoleInScope(role="police", scope_type="community", scope_id=row.community_id)]
        if row.grid_id:
            scopes.append(RoleInScope(role="grid_worker", scope_type="grid", scope_id=row.grid_id))
        else:
            g = PLACES.building_grids
            grids = await uow.session.scalars(
                select(g.c.grid_id).where(g.c.community_id == row.community_id).distinct()
            )
            scopes += [
                RoleInScope(role="grid_worker", scope_type="grid", scope_id=grid)
                for grid in sorted(grids)[:20]
            ]
            scopes.append(
                RoleInScope(role="grid_worker", scope_type="community", scope_id=row.community_id)
            )
        place, place_en = say_both(
            await self.places.name_of(uow, community_id=row.community_id, room_id=row.room_id)
        )
        zh, en = KINDS[row.kind]
        summary_zh, summary_en = split_summary(row.summary)
        variables = {
            "kind": zh,
            "kind_en": en,
            "place": place,
            "place_en": place_en,
            "summary": summary_zh,
            "summary_en": summary_en,
        }
        texts = both("gov.flag.opened", variables)
        key = "gov-" + hashlib.sha256(f"{row.id}:opened".encode()).hexdigest()[:32]
        await uow.publish(
            NotificationRequestedV1(
                request_id=key,
                recipients=Recipients(roles_in_scope=scopes),
                template="gov.flag.opened",
                variables={**variables, **texts},
                severity=NotificationSeverity.INFO,
                channels=[NotificationChannel.INAPP, NotificationChannel.PUSH],
                source_service="gov-affairs",
                community_id=row.community_id,
                correlation_id=str(row.id),
            ),
            key=key,
        )

    # working a flag ------------------------------------------------------------------
    def _scope(self, who: Caller, community_id: str | None) -> Any:
        """Flags the caller may read: the community's police, committee and street office
        every flag of it; a grid worker those of the buildings of their grids, and the
        community-wide ones (a gate sighting has no building) of the communities their
        grids are in."""
        p = who.principal
        g = PLACES.building_grids
        grids = sorted(p.scope_ids("grid", frozenset({"grid_worker"})))
        clauses: list[Any] = []
        if p.is_platform_admin:
            clauses.append(FlagRow.community_id.is_not(None))
        communities = sorted(p.scope_ids("community", READERS))
        if communities:
            clauses.append(FlagRow.community_id.in_(communities))
        if grids:
            clauses.append(FlagRow.grid_id.in_(grids))
            clauses.append(
                FlagRow.building_id.in_(select(g.c.building_id).where(g.c.grid_id.in_(grids)))
            )
            clauses.append(
                FlagRow.building_id.is_(None)
                & FlagRow.community_id.in_(select(g.c.community_id).where(g.c.grid_id.in_(grids)))
            )
        if not clauses:
            raise Problem(
                403,
                "auth.forbidden",
                "Population checks are for grid workers, police and the community office",
                zh="人口核查仅限网格员、社区民警和社区工作人员",
            )
        clause = or_(*clauses)
        if community_id is not None:
            clause = clause & (FlagRow.community_id == community_id)
        return clause

    async def page(
        self,
        who: Caller,
        *,
        community_id: str | None,
        status: str | None,
        kind: str | None,
        limit: int,
        offset: int,
    ) -> tuple[list[FlagRow], int]:
        where = [self._scope(who, community_id)]
        if status is not None:
            where.append(FlagRow.status == status)
        if kind is not None:
            where.append(FlagRow.kind == kind)
        async with self.db.uow() as uow:
            total = await uow.session.scalar(
                select(func.count()).select_from(FlagRow).where(*where)
            )
            rows = list(
                await uow.session.scalars(
                    select(FlagRow)
                    .where(*where)
                    .order_by(FlagRow.opened_at.desc(), FlagRow.id)
                    .limit(limit)
                    .offset(offset)
                )
            )
            # whereabouts of people: every read is audited
            await uow.audit(
                who,
                "population.flags_read",
                "population_flag",
                community_id or "*",
                community_id=community_id,
                detail={"count": len(rows)},
            )
            await uow.commit()
            return rows, int(total or 0)

    async def get(self, who: Caller, flag_id: uuid.UUID) -> FlagRow:
        async with self.db.uow() as uow:
            row = await uow.session.scalar(
                select(FlagRow).where(FlagRow.id == flag_id, self._scope(who, None))
            )
            if row is None:
                raise _not_found()
            await uow.audit(
                who,
                "population.flag_read",
                "population_flag",
                str(row.id),
                community_id=row.community_id,
            )
            await uow.commit()
            return row

    async def step(
        self,
        who: Caller,
        flag_id: uuid.UUID,
        action: str,
        *,
        note: str = "",
        resolution: d.Resolution | None = None,
        assignee: str | None = None,
    ) -> FlagRow:
        """assign (to a grid worker or police officer of the community), start, note,
        resolve (what was found), close (resolving first when not yet resolved), reopen."""
        now = self.clock()
        async with self.db.uow() as uow:
            row = await uow.session.scalar(
                select(FlagRow)
                .where(FlagRow.id == flag_id, self._scope(who, None))
                .with_for_update()
            )
            if row is None:
                raise _not_found()
            flag = _domain(row)
            try:
                if action == "assign":
                    flag = await self._assign(uow, row, flag, who, assignee, note, now)
                else:
                    if action == "close" and flag.status in ("open", "in_progress"):
                        flag = d.work(
                            flag, "resolve", who.subject, now, note=note, resolution=resolution
                        )
                    flag = d.work(flag, action, who.subject, now, note=note, resolution=resolution)
            except d.FlagError as exc:
                raise _flag_problem(exc) from None
            if action in ("start", "resolve", "close") and row.assignee is None:
                row.assignee = who.subject
            _write(row, flag, now)
            await self._publish(uow, row, now)
            await uow.audit(
                who,
                f"population.flag_{action}",
                "population_flag",
                str(row.id),
                community_id=row.community_id,
                detail={"status": row.status, "resolution": row.resolution},
            )
            await uow.commit()
            return row

    async def _assign(
        self,
        uow: UnitOfWork,
        row: FlagRow,
        flag: d.Flag,
        who: Caller,
        assignee: str | None,
        note: str,
        now: datetime,
    ) -> d.Flag:
        if flag.status == "closed":
            raise d.FlagError(
                "flag.bad_state",
                "A closed flag is reopened, not assigned",
                zh="该线索已关闭，请先重新打开",
            )
        target = assignee or who.subject
        if target != who.subject:  # the caller works flags here (the flag is in scope)
            g = PLACES.grants
            assert g is not None
            serves = await uow.session.scalar(
                select(g.c.grant_id)
                .where(
                    g.c.account_id == target,
                    g.c.role.in_(sorted(READERS)),
                    or_(g.c.community_id == row.community_id, g.c.scope_type == "platform"),
                )
                .limit(1)
            )
            if serves is None:
                raise d.FlagError(
                    "flag.assignee_out_of_scope",
                    "The assignee does not work for this community",
                    zh="被指派人不负责该社区",
                )
        row.assignee = target
        flag = flag.model_copy(deep=True)
        flag.timeline.append(
            d.FlagStep(at=now, actor=who.subject, action="assign", note=note or target)
        )
        return flag


def _domain(row: FlagRow) -> d.Flag:
    return d.Flag.model_validate(
        {
            "kind": row.kind,
            "community_id": row.community_id,
            "key": row.key_idx,
            "summary": row.summary,
            "status": row.status,
            "evidence": row.evidence,
            "resolution": row.resolution,
            "timeline": row.timeline,
        }
    )


def _write(row: FlagRow, flag: d.Flag, now: datetime) -> None:
    row.summary = flag.summary[:300]
    row.status = flag.status
    row.resolution = flag.resolution
    row.evidence = list(flag.evidence)
    row.timeline = [s.model_dump(mode="json") for s in flag.timeline]
    row.updated_at = now
