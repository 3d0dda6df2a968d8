"""Owners' assembly votes (业主大会表决, Civil Code art. 278) as a service: the committee
opens a vote on the room register as it stands (the electorate is frozen then), owners vote
in the app, staff enter paper ballots, one ballot per voting unit whichever comes first, the
tally shows each threshold met or missed live, and the vote closes (by the sweeper at its
end) with ``VoteClosedV1`` on ``gov.votes.v1``. The rules are in :mod:`gov_affairs.domain.assembly`.

Who votes in the app: the account holding the ``resident`` grant over a household of a
room on the electorate (identity gives that grant to the household's owner; family and
tenants hold other roles), as commerce's housing listings decide who the owner is (ADR
0030). A paper ballot names the room; the staff member who enters it is recorded."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from gov_affairs.db.votes import AssemblyOwnerRow, AssemblyRoomRow, BallotRow, VoteRow
from gov_affairs.domain import assembly as a
from sc_contracts.events import AssemblyThreshold, VoteClosedV1
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.places import Places

OFFICE_ROLES = frozenset({"community_admin", "gov_officer", "platform_admin"})
OWNER_ROLE = "resident"
KEYS = tuple(t.value for t in AssemblyThreshold)  # the order of the domain's checks


@dataclass(frozen=True)
class Counted:
    """A vote with its tally as of now (final once closed)."""

    vote: VoteRow
    electorate: a.Electorate
    tally: a.Tally
    mine: BallotRow | None = None  # the caller's own unit's ballot, for an owner


def _problem(exc: a.VoteError, status: int = 422, **extra: Any) -> Problem:
    return Problem(status, exc.code, exc.message, zh=exc.zh, **extra)


def _not_found() -> Problem:
    return Problem(404, "vote.not_found", "No such vote", zh="没有这项表决")


def electorate_of(row: VoteRow) -> a.Electorate:
    rooms = [
        a.Room(r["room_id"], r["label"], Decimal(r["area"]), frozenset(r["owners"]))
        for r in row.rooms
    ]
    return a.electorate(rooms)


class Assembly:
    def __init__(self, db: Database, places: Places) -> None:
        self.db = db
        self.places = places

    # the committee ------------------------------------------------------------------
    def _office(self, who: Caller, community_id: str) -> None:
        p = who.principal
        if not (p.is_platform_admin or community_id in p.scope_ids("community", OFFICE_ROLES)):
            raise Problem(
                403,
                "auth.out_of_scope",
                "Votes of this community are not yours to run",
                zh="您不负责该社区的表决",
            )

    async def open(
        self,
        who: Caller,
        *,
        community_id: str,
        title: str,
        title_en: str,
        matter: a.Matter,
        opens_at: datetime,
        closes_at: datetime,
        rules: a.Rules | None = None,
    ) -> Counted:
        self._office(who, community_id)
        if closes_at <= opens_at:
            raise Problem(
                422,
                "vote.period_invalid",
                "A vote closes after it opens",
                zh="表决的截止时间须晚于开始时间",
            )
        async with self.db.uow() as uow:
            rooms = await self._register(uow, community_id)
            try:
                electorate = a.electorate(rooms)
            except a.VoteError as exc:
                raise _problem(exc) from exc
            row = VoteRow(
                id=uuid.uuid4(),
                community_id=community_id,
                kind="assembly",
                title=title,
                title_en=title_en,
                matter=matter,
                rules=(rules or a.rules_for(matter)).model_dump(),
                rooms=[
                    {
                        "room_id": r.room_id,
                        "label": r.label,
                        "area": str(r.area_m2),
                        "owners": sorted(r.owners),
                    }
                    for r in rooms
                ],
                eligible=electorate.total_heads,
                total_area_m2=electorate.total_area,
                opens_at=opens_at,
                closes_at=closes_at,
                status="open",
                created_by=who.subject,
            )
            uow.session.add(row)
            await uow.audit(who, "vote.open", "vote", str(row.id), community_id=community_id)
            await uow.commit()
        return Counted(row, electorate, a.tally(electorate, [], a.Rules(**row.rules)))

    async def _register(self, uow: UnitOfWork, community_id: str) -> list[a.Room]:
        """The rooms of the community with an owner, each with its owners and area; 422
        naming every room whose area the register lacks, or when no owner is known."""
        rows = (
            await uow.session.execute(
                select(AssemblyRoomRow, AssemblyOwnerRow.person_id)
                .join(AssemblyOwnerRow, AssemblyOwnerRow.room_id == AssemblyRoomRow.room_id)
                .where(
                    AssemblyRoomRow.community_id == community_id,
                    AssemblyOwnerRow.active.is_(True),
                )
                .order_by(AssemblyRoomRow.room_id)
            )
        ).all()
        owners: dict[str, set[str]] = {}
        found: dict[str, AssemblyRoomRow] = {}
        for room, person in rows:
            found[room.room_id] = room
            owners.setdefault(room.room_id, set()).add(person)
        if not found:
            raise Problem(
                422,
                "vote.no_owners",
                "The room register of this community names no owner yet",
                zh="该社区的房屋登记中还没有业主，无法发起表决",
            )
        missing = sorted(r.label for r in found.values() if not r.area_m2)
        if missing:
            shown = "、".join(missing[:20]) + ("等" if len(missing) > 20 else "")
            raise Problem(
                422,
                "vote.room_without_area",
                f"{len(missing)} rooms have no exclusive area in the register: "
                + ", ".join(missing[:20]),
                zh=f"{len(missing)}套房屋在房屋登记中没有专有面积：{shown}",
                rooms=missing[:100],
            )
        return [
            a.Room(r.room_id, r.label, Decimal(r.area_m2 or 0), frozenset(owners[r.room_id]))
            for r in found.values()
        ]

    async def enter_paper(
        self, who: Caller, vote_id: uuid.UUID, *, room_id: str, choice: a.Choice, serial: str
    ) -> Counted:
        """Staff enter a paper ballot (纸质票) for the room's owners."""
        async with self.db.uow() as uow:
            row = await self._load(uow, vote_id)
            self._office(who, row.community_id)
            electorate = electorate_of(row)
            unit = electorate.units.get(electorate.by_room.get(room_id, ""))
            if unit is None:
                raise Problem(
                    422,
                    "vote.room_not_on_register",
                    "That room is not on this vote's register of owners",
                    zh="该房屋不在本次表决的业主名册中",
                )
            await self._cast(uow, who, row, unit, room_id, choice, "paper", room_id, serial)
            await uow.commit()
        return await self.count(who, vote_id)

    async def cast(
        self, who: Caller, vote_id: uuid.UUID, *, choice: a.Choice, room_id: str | None
    ) -> Counted:
        """An owner votes in the app, once for their voting unit."""
        async with self.db.uow() as uow:
            row = await self._load(uow, vote_id)
            electorate = electorate_of(row)
            units = await self._owned_units(uow, who, electorate, room_id)
            if not units:
                raise _problem(
                    a.VoteError(
                        "vote.not_an_owner",
                        "Only an owner on the register votes, once for their rooms",
                        "只有房屋登记中的业主可以表决，每套房屋一票",
                    ),
                    403,
                )
            if len(units) > 1:
                raise Problem(
                    422,
                    "vote.room_required",
                    "You own rooms voting separately: name the room you vote for",
                    zh="您名下有多套分别表决的房屋，请选择为哪一套投票",
                    rooms=sorted(r for u, r in units),
                )
            unit, room = units[0]
            await self._cast(uow, who, row, unit, room, choice, "app", who.subject, None)
            await uow.commit()
        return await self.count(who, vote_id)

    async def _owned_units(
        self, uow: UnitOfWork, who: Caller, electorate: a.Electorate, room_id: str | None
    ) -> list[tuple[a.Unit, str]]:
        found: dict[str, tuple[a.Unit, str]] = {}
        for household in sorted(who.principal.scope_ids("household", {OWNER_ROLE})):
            place = await self.places.household(uow, household)
            if place is None or place.status != "active":
                continue
            if room_id is not None and place.room_id != room_id:
                continue
            unit_id = electorate.by_room.get(place.room_id)
            if unit_id is not None:
                found.setdefault(unit_id, (electorate.units[unit_id], place.room_id))
        return list(found.values())

    async def _cast(
        self,
        uow: UnitOfWork,
        who: Caller,
        row: VoteRow,
        unit: a.Unit,
        room_id: str,
        choice: a.Choice,
        channel: a.Channel,
        voter: str,
        serial: str | None,
    ) -> None:
        now = datetime.now(UTC)
        if row.status != "open":
            now = max(now, row.closes_at)  # a closed vote takes nothing, whatever the clock
        earlier = await uow.session.get(BallotRow, (row.id, unit.id))
        ballots = {} if earlier is None else {unit.id: _ballot(earlier)}
        try:
            a.cast_for_unit(
                ballots,
                unit,
                voter=voter,
                choice=choice,
                channel=channel,
                entered_by=who.subject,
                at=now,
                opens_at=row.opens_at,
                closes_at=row.closes_at,
                paper_serial=serial,
            )
        except a.VoteError as exc:
            status = 409 if exc.code in ("vote.already_cast", "vote.closed") else 422
            raise _problem(exc, status) from exc
        if serial and await uow.session.scalar(
            select(BallotRow.unit_id).where(
                BallotRow.vote_id == row.id, BallotRow.paper_serial == serial
            )
        ):
            raise Problem(
                409,
                "vote.paper_serial_taken",
                "A paper ballot with this serial number was already entered",
                zh="该票号的纸质票已经录入",
            )
        stored = await uow.session.scalar(
            insert(BallotRow)
            .values(
                vote_id=row.id,
                unit_id=unit.id,
                room_id=room_id,
                choice=choice,
                channel=channel,
                voter=voter,
                entered_by=who.subject,
                paper_serial=serial,
                cast_at=now,
            )
            .on_conflict_do_nothing()
            .returning(BallotRow.unit_id)
        )
        if stored is None:  # the other channel was faster, between the read and the write
            other = await uow.session.get(BallotRow, (row.id, unit.id), populate_existing=True)
            raise _problem(a.already_cast(other.channel if other else "app"), 409)
        await uow.audit(
            who,
            "vote.ballot",
            "vote",
            str(row.id),
            community_id=row.community_id,
            detail={"channel": channel, "room_id": room_id},
        )

    # reading ------------------------------------------------------------------------
    async def count(self, who: Caller, vote_id: uuid.UUID) -> Counted:
        """The vote and its tally as of now, for the community's staff and residents."""
        async with self.db.uow(read_only=True) as uow:
            row = await self._load(uow, vote_id)
            await self.places.ensure_readable(
                uow, who.principal, community_id=row.community_id, roles=OFFICE_ROLES
            )
            ballots = list(
                await uow.session.scalars(select(BallotRow).where(BallotRow.vote_id == row.id))
            )
            electorate = electorate_of(row)
            mine_units = {u.id for u, _ in await self._owned_units(uow, who, electorate, None)}
        tally = a.tally(electorate, [_ballot(b) for b in ballots], a.Rules(**row.rules))
        mine = next((b for b in ballots if b.unit_id in mine_units), None)
        return Counted(row, electorate, tally, mine)

    async def page(
        self, who: Caller, community_id: str, limit: int, offset: int
    ) -> tuple[list[VoteRow], int]:
        async with self.db.uow(read_only=True) as uow:
            await self.places.ensure_readable(
                uow, who.principal, community_id=community_id, roles=OFFICE_ROLES
            )
            where = VoteRow.community_id == community_id
            total = await uow.session.scalar(select(func.count()).select_from(VoteRow).where(where))
            rows = await uow.session.scalars(
                select(VoteRow)
                .where(where)
                .order_by(VoteRow.opens_at.desc(), VoteRow.id)
                .limit(limit)
                .offset(offset)
            )
            return list(rows), total or 0

    # closing ------------------------------------------------------------------------
    async def close(self, who: Caller, vote_id: uuid.UUID) -> Counted:
        """The committee closes a vote whose period has ended (the sweeper does it too)."""
        async with self.db.uow() as uow:
            row = await self._load(uow, vote_id)
            self._office(who, row.community_id)
            if row.status == "open" and datetime.now(UTC) < row.closes_at:
                raise Problem(
                    409,
                    "vote.still_open",
                    "The vote is open until its closing time; it cannot be ended early",
                    zh="表决期限未满，不能提前结束",
                )
            if row.status == "open":
                await self._close(uow, row)
                await uow.audit(
                    who, "vote.close", "vote", str(row.id), community_id=row.community_id
                )
            await uow.commit()
        return await self.count(who, vote_id)

    async def close_due(self, now: datetime | None = None, batch: int = 50) -> int:
        """Close every open vote whose period has ended by ``now``: the tally is final and
        ``VoteClosedV1`` goes out in the same transaction."""
        now = now or datetime.now(UTC)
        async with self.db.uow() as uow:
            rows = list(
                await uow.session.scalars(
                    select(VoteRow)
                    .where(VoteRow.status == "open", VoteRow.closes_at <= now)
                    .order_by(VoteRow.closes_at)
                    .limit(batch)
                    .with_for_update(skip_locked=True)
                )
            )
            for row in rows:
                await self._close(uow, row, now)
            await uow.commit()
        return len(rows)

    async def _close(self, uow: UnitOfWork, row: VoteRow, now: datetime | None = None) -> None:
        now = now or datetime.now(UTC)
        ballots = list(
            await uow.session.scalars(select(BallotRow).where(BallotRow.vote_id == row.id))
        )
        t = a.tally(electorate_of(row), [_ballot(b) for b in ballots], a.Rules(**row.rules))
        row.status = "closed"
        row.closed_at = now
        row.result = {"passed": t.passed, "verdict": a.verdict(t).model_dump()}
        part_area = t.agree[0] + t.disagree[0] + t.abstain[0]
        await uow.publish(
            VoteClosedV1(
                vote_id=str(row.id),
                community_id=row.community_id,
                kind="assembly",
                matter=row.matter,
                passed=t.passed,
                ballots=len(ballots),
                eligible=row.eligible,
                total_area_m2=float(row.total_area_m2),
                participating_area_m2=float(part_area),
                agreeing_area_m2=float(t.agree[0]),
                agreeing=t.agree[1],
                missed=[
                    AssemblyThreshold(k) for k, c in zip(KEYS, t.checks, strict=True) if not c.met
                ],
                occurred_at=now,
            ),
            key=str(row.id),
        )

    async def _load(self, uow: UnitOfWork, vote_id: uuid.UUID) -> VoteRow:
        row = await uow.session.get(VoteRow, vote_id)
        if row is None:
            raise _not_found()
        return row


def _ballot(b: BallotRow) -> a.Ballot:
    choice: a.Choice = (
        "agree" if b.choice == "agree" else ("disagree" if b.choice == "disagree" else "abstain")
    )
    channel: a.Channel = "app" if b.channel == "app" else "paper"
    return a.Ballot(b.unit_id, choice, channel, b.voter, b.entered_by, b.cast_at, b.paper_serial)
