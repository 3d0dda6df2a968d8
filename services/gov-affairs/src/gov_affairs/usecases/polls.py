"""Polls (民意征集投票, 6.5.1 b) as a service: the committee asks a question with options
(single or multiple choice); every resident of the community votes once; who voted is kept
apart from the ballots, which carry a receipt and form a hash chain; the counts and the
ballots are published when the poll closes (the sweeper closes it at its end, with
``VoteClosedV1`` kind ``poll`` and the chain's head), so anyone recounts and a voter finds
their receipt. The rules are in :mod:`gov_affairs.domain.consultation`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select

from gov_affairs.db.votes import PollBallotRow, PollRow, PollVoterRow
from gov_affairs.domain import consultation as c
from sc_contracts.events import VoteClosedV1
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.paging import PageParams, fetch_page
from sc_core.places import RESIDENT_ROLES, Places

OFFICE_ROLES = frozenset({"community_admin", "gov_officer", "platform_admin"})


@dataclass(frozen=True)
class PollView:
    poll: PollRow
    counts: tuple[int, ...] | None  # only once closed
    ballots: int
    voted: bool  # whether the caller has voted


def _problem(exc: c.PollError) -> Problem:
    status = {"poll.not_eligible": 403, "poll.already_voted": 409, "poll.closed": 409}.get(
        exc.code, 422
    )
    return Problem(status, exc.code, str(exc), zh=exc.zh)


def _domain(row: PollRow) -> c.Poll:
    return c.Poll(
        question=row.question,
        options=[o["zh"] for o in row.options],
        multiple=row.multiple,
        max_choices=row.max_choices,
        opens_at=row.opens_at,
        closes_at=row.closes_at,
    )


def _entry(b: PollBallotRow) -> c.BallotEntry:
    return c.BallotEntry(b.seq, b.receipt, tuple(b.choices), b.prev, b.hash)


class Polls:
    def __init__(self, db: Database, places: Places) -> None:
        self.db = db
        self.places = places

    async def open(
        self,
        who: Caller,
        *,
        community_id: str,
        question: str,
        question_en: str,
        options: list[dict[str, str]],
        multiple: bool,
        max_choices: int | None,
        opens_at: datetime,
        closes_at: datetime,
    ) -> PollView:
        p = who.principal
        if not (p.is_platform_admin or community_id in p.scope_ids("community", OFFICE_ROLES)):
            raise Problem(
                403,
                "auth.out_of_scope",
                "Polls of this community are not yours to run",
                zh="您不负责该社区的投票",
            )
        try:
            c.Poll(
                question=question,
                options=[o["zh"] for o in options],
                multiple=multiple,
                max_choices=max_choices,
                opens_at=opens_at,
                closes_at=closes_at,
            )
        except ValueError as exc:
            raise Problem(
                422,
                "poll.invalid",
                "A poll closes after it opens, its options differ, and only a multiple-choice "
                "poll limits the choices",
                zh="投票的截止时间须晚于开始时间，选项不能重复，只有多选投票才能限定可选项数",
            ) from exc
        row = PollRow(
            id=uuid.uuid4(),
            community_id=community_id,
            question=question,
            question_en=question_en,
            options=options,
            multiple=multiple,
            max_choices=max_choices,
            opens_at=opens_at,
            closes_at=closes_at,
            status="open",
            created_by=who.subject,
        )
        async with self.db.uow() as uow:
            uow.session.add(row)
            await uow.audit(who, "poll.open", "poll", str(row.id), community_id=community_id)
            await uow.commit()
        return PollView(row, None, 0, False)

    async def vote(self, who: Caller, poll_id: uuid.UUID, choices: list[int]) -> str:
        """One ballot of a resident of the community; returns its receipt (shown once)."""
        async with self.db.uow() as uow:
            row = await uow.session.get(PollRow, poll_id, with_for_update=True)
            if row is None:
                raise _not_found()
            homes = await self.places.home_communities(uow, who.principal, RESIDENT_ROLES)
            voted = await uow.session.get(PollVoterRow, (row.id, who.subject))
            ledger = [
                _entry(b)
                for b in await uow.session.scalars(
                    select(PollBallotRow)
                    .where(PollBallotRow.poll_id == row.id)
                    .order_by(PollBallotRow.seq)
                )
            ]
            now = (
                datetime.now(UTC) if row.status == "open" else max(datetime.now(UTC), row.closes_at)
            )
            try:
                entry = c.cast(
                    _domain(row),
                    ledger,
                    {who.subject} if voted else set(),
                    voter=who.subject,
                    eligible=row.community_id in homes,
                    choices=choices,
                    at=now,
                )
            except c.PollError as exc:
                raise _problem(exc) from exc
            uow.session.add(PollVoterRow(poll_id=row.id, voter=who.subject))
            uow.session.add(
                PollBallotRow(
                    poll_id=row.id,
                    seq=entry.seq,
                    receipt=entry.receipt,
                    choices=list(entry.choices),
                    prev=entry.prev,
                    hash=entry.hash,
                )
            )
            # the audit record says who voted, never what (the ballot has no voter)
            await uow.audit(who, "poll.vote", "poll", str(row.id), community_id=row.community_id)
            await uow.commit()
        return entry.receipt

    async def get(self, who: Caller, poll_id: uuid.UUID) -> PollView:
        async with self.db.uow(read_only=True) as uow:
            row = await self._readable(uow, who, poll_id)
            ballots = await uow.session.scalar(
                select(func.count())
                .select_from(PollBallotRow)
                .where(PollBallotRow.poll_id == row.id)
            )
            voted = await uow.session.get(PollVoterRow, (row.id, who.subject)) is not None
            counts = None
            if row.status == "closed":
                entries = [
                    _entry(b)
                    for b in await uow.session.scalars(
                        select(PollBallotRow)
                        .where(PollBallotRow.poll_id == row.id)
                        .order_by(PollBallotRow.seq)
                    )
                ]
                try:
                    counts = c.result(_domain(row), entries).counts
                except c.PollError as exc:
                    raise _problem(exc) from exc
        return PollView(row, counts, ballots or 0, voted)

    async def page(
        self, who: Caller, community_id: str, limit: int, offset: int
    ) -> tuple[list[PollRow], int]:
        async with self.db.uow(read_only=True) as uow:
            await self.places.ensure_readable(
                uow, who.principal, community_id=community_id, roles=OFFICE_ROLES
            )
            where = PollRow.community_id == community_id
            total = await uow.session.scalar(select(func.count()).select_from(PollRow).where(where))
            rows = await uow.session.scalars(
                select(PollRow)
                .where(where)
                .order_by(PollRow.opens_at.desc(), PollRow.id)
                .limit(limit)
                .offset(offset)
            )
            return list(rows), total or 0

    async def ballots(
        self, who: Caller, poll_id: uuid.UUID, limit: int, offset: int, cursor: str | None = None
    ) -> tuple[list[PollBallotRow], int, str]:
        """The published ballots of a closed poll (receipt, choices, chain), to recount."""
        async with self.db.uow(read_only=True) as uow:
            row = await self._readable(uow, who, poll_id)
            if row.status != "closed":
                raise Problem(
                    409,
                    "poll.still_open",
                    "Ballots are published when the poll closes",
                    zh="投票结束后才公布选票",
                )
            where = PollBallotRow.poll_id == row.id
            rows, total = await fetch_page(
                uow.session,
                select(PollBallotRow).where(where).order_by(PollBallotRow.seq),
                PageParams(limit=limit, offset=offset, cursor=cursor),
            )
            return list(rows), total, row.head or c.GENESIS

    async def close_due(self, now: datetime | None = None, batch: int = 50) -> int:
        now = now or datetime.now(UTC)
        async with self.db.uow() as uow:
            rows = list(
                await uow.session.scalars(
                    select(PollRow)
                    .where(PollRow.status == "open", PollRow.closes_at <= now)
                    .order_by(PollRow.closes_at)
                    .limit(batch)
                    .with_for_update(skip_locked=True)
                )
            )
            for row in rows:
                entries = [
                    _entry(b)
                    for b in await uow.session.scalars(
                        select(PollBallotRow)
                        .where(PollBallotRow.poll_id == row.id)
                        .order_by(PollBallotRow.seq)
                    )
                ]
                row.status, row.head = "closed", c.head(entries)
                await uow.publish(
                    VoteClosedV1(
                        vote_id=str(row.id),
                        community_id=row.community_id,
                        kind="poll",
                        ballots=len(entries),
                        eligible=await self._eligible(uow, row.community_id),
                        head=row.head,
                        occurred_at=now,
                    ),
                    key=str(row.id),
                )
            await uow.commit()
        return len(rows)

    async def _eligible(self, uow: UnitOfWork, community_id: str) -> int:
        g = self.places.tables.grants
        if g is None:
            return 0
        found = await uow.session.scalar(
            select(func.count(func.distinct(g.c.account_id))).where(
                g.c.community_id == community_id,
                g.c.scope_type == "household",
                g.c.role.in_(sorted(RESIDENT_ROLES)),
            )
        )
        return found or 0

    async def _readable(self, uow: UnitOfWork, who: Caller, poll_id: uuid.UUID) -> PollRow:
        row = await uow.session.get(PollRow, poll_id)
        if row is None:
            raise _not_found()
        await self.places.ensure_readable(
            uow, who.principal, community_id=row.community_id, roles=OFFICE_ROLES
        )
        return row


def _not_found() -> Problem:
    return Problem(404, "poll.not_found", "No such poll", zh="没有这项投票")
