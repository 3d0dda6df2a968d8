"""CAP 1.2 warnings received (预警, 6.2.2): from the city platform's client (client
credentials, role integrator over the communities it serves) or a gov officer or admin.
Each alert is stored once per sender and identifier (the same document again: what it
became; another document under the same identifier: 409), targeted at the buildings of
the poster's communities (:func:`care.domain.warnings.target`), and each elder there told
once in plain words (:mod:`care.domain.warning_audience`). An Update or a Cancel acts on
the alerts its ``references`` name (of the same sender): they are marked updated or
cancelled; a Cancel tells the elders the cancelled alert told that it is lifted. Reading
them: :mod:`care.usecases.warning_reads`."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.dialects.postgresql import insert

from care.adapters.cap import CapError, parse_cap
from care.db.models import PLACES, CarePerson, ConsentGrant
from care.db.warning_models import WarningInfoRow, WarningPlaceRow, WarningRow, WarningToldRow
from care.domain import warning_audience as audience
from care.domain.notices import Notice
from care.domain.warnings import CapAlert, Place, plain_words, target
from care.usecases.common import grant_of, now_utc, send, subject_of
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Conflict, Forbidden, Problem

POSTERS = ("integrator", "gov_officer", "community_admin", "platform_admin")
DIVISION_CODE_NAMES = ("行政区划代码", "GB/T 2260", "GB2260", "ADCODE", "adcode")
MAX_ID = 255


@dataclass(frozen=True)
class Received:
    row: WarningRow
    new: bool


def refused(exc: CapError) -> Problem:
    return Problem(413 if exc.code == "care.cap_too_large" else 422, exc.code, exc.en, zh=exc.zh)


def _id_too_long() -> Problem:
    return Problem(
        422, "care.cap_invalid", f"The CAP message is not valid: sender and identifier are at "
        f"most {MAX_ID} characters", zh=f"预警消息格式不正确：发送方与标识均不得超过{MAX_ID}个字符",
    )  # fmt: skip


def _infos(warning_id: uuid.UUID, alert: CapAlert) -> list[WarningInfoRow]:
    return [
        WarningInfoRow(
            warning_id=warning_id, position=n, language=i.language[:35],
            categories=list(i.categories), event=i.event, urgency=i.urgency,
            severity=i.severity, certainty=i.certainty, headline=i.headline,
            description=i.description, instruction=i.instruction, sender_name=i.sender_name,
            effective=i.effective, onset=i.onset, expires=i.expires,
            areas=[
                {"description": a.description, "polygons": len(a.polygons),
                 "circles": len(a.circles), "geocodes": [list(g) for g in a.geocodes],
                 "targetable": a.targetable}
                for a in i.areas
            ],
        )
        for n, i in enumerate(alert.infos)
    ]  # fmt: skip


class Warnings:
    def __init__(self, db: Database, clock: Callable[[], datetime] = now_utc) -> None:
        self.db = db
        self.clock = clock

    async def receive(self, who: Caller, document: bytes) -> Received:
        try:
            alert = parse_cap(document)
        except CapError as exc:
            raise refused(exc) from None
        if len(alert.sender) > MAX_ID or len(alert.identifier) > MAX_ID:
            raise _id_too_long()
        communities = self._communities(who)
        digest = hashlib.sha256(document).hexdigest()
        now = self.clock()
        heard = alert.audience(now)
        row = WarningRow(
            id=uuid.uuid4(), sender=alert.sender, identifier=alert.identifier, sent=alert.sent,
            status=alert.status, msg_type=alert.msg_type, scope=alert.scope,
            references=[list(r) for r in alert.references], note=alert.note, audience=heard,
            state="active", expires=alert.expires(), communities=[], untargeted=[],
            document=document.decode("utf-8", errors="replace"), content_sha256=digest,
            received_by=who.subject, received_at=now,
        )  # fmt: skip
        async with self.db.uow() as uow:
            inserted = await uow.session.scalar(
                insert(WarningRow)
                .values({c.key: getattr(row, c.key) for c in WarningRow.__table__.columns})
                .on_conflict_do_nothing(constraint="uq_care_warnings_sender_id")
                .returning(WarningRow.id)
            )
            if inserted is None:
                return Received(await self._again(uow, alert, digest), False)
            row = await uow.session.get(WarningRow, inserted) or row
            uow.session.add_all(_infos(row.id, alert))
            if alert.msg_type in ("Update", "Cancel"):
                await self._supersede(uow, row, alert, heard == "residents", now)
            if alert.msg_type in ("Alert", "Update"):
                await self._target(uow, row, alert, communities, heard == "residents", now)
            await uow.audit(
                who, "care.warning.receive", "care_warning", str(row.id),
                detail={"sender": alert.sender[:64], "identifier": alert.identifier[:64],
                        "msg_type": alert.msg_type, "status": alert.status},
            )  # fmt: skip
            await uow.commit()
            return Received(row, True)

    def _communities(self, who: Caller) -> frozenset[str] | None:
        """The communities the poster may warn (None: every one)."""
        if who.principal.is_platform_wide(POSTERS):
            return None
        found = who.principal.scope_ids("community", POSTERS)
        if not found:
            raise Forbidden(
                "care.warning_no_community", "The poster serves no community",
                zh="发布方没有负责的社区，预警无从送达",
            )  # fmt: skip
        return found

    async def _again(self, uow: UnitOfWork, alert: CapAlert, digest: str) -> WarningRow:
        found = await uow.session.scalar(
            select(WarningRow).where(
                WarningRow.sender == alert.sender, WarningRow.identifier == alert.identifier
            )
        )
        assert found is not None  # the conflict was this row
        if found.content_sha256 != digest:
            raise Conflict(
                "care.warning_changed",
                "This sender already sent another alert under this identifier",
                zh="该发送方已用此标识发布过内容不同的预警",
            )
        return found

    async def _places(
        self, uow: UnitOfWork, communities: frozenset[str] | None
    ) -> dict[str, tuple[str, Place]]:
        """The buildings of ``communities`` with a point or a division code: building id ->
        (its community, the place)."""
        h = PLACES.households
        query = (
            select(h.c.building_id, h.c.community_id, h.c.building_lat, h.c.building_lng,
                   h.c.division_code)
            .where(h.c.building_lat.is_not(None) | h.c.division_code.is_not(None))
            .distinct(h.c.building_id)
            .order_by(h.c.building_id, h.c.updated_at.desc())
        )  # fmt: skip
        if communities is not None:
            query = query.where(h.c.community_id.in_(sorted(communities)))
        out: dict[str, tuple[str, Place]] = {}
        for b, c, lat, lng, code in (await uow.session.execute(query)).all():
            codes = dict.fromkeys(DIVISION_CODE_NAMES, code) if code else {}
            out[b] = (c, Place(b, lat, lng, codes))
        return out

    async def _target(
        self, uow: UnitOfWork, row: WarningRow, alert: CapAlert,
        communities: frozenset[str] | None, tell: bool, now: datetime,
    ) -> None:  # fmt: skip
        places = await self._places(uow, communities)
        found = target(alert, [p for _, p in places.values()])
        reached = {b: places[b][0] for b in found.place_ids}
        uow.session.add_all(
            WarningPlaceRow(warning_id=row.id, building_id=b, community_id=c)
            for b, c in sorted(reached.items())
        )
        row.untargeted = list(found.untargetable_areas)
        considered = set(reached.values())
        if found.untargetable_areas:  # staff of every community it may concern decide
            considered |= set(communities or {c for c, _ in places.values()})
        row.communities = sorted(considered)
        if reached and tell:
            elders = await self._elders(uow, list(reached), now)
            await self._tell(uow, row, alert, elders, now)
        elif reached and row.audience == "staff":  # an exercise: the staff, never the elders
            elders = await self._elders(uow, list(reached), now)
            words = plain_words(alert)
            for community in sorted(set(reached.values())):
                count = sum(p.community_id == community for p, _ in elders)
                notice = audience.exercise_notice(str(row.id), community, words, count)
                if notice is not None:
                    await send(uow, notice, community, str(row.id))

    async def _elders(
        self, uow: UnitOfWork, buildings: list[str], now: datetime
    ) -> list[tuple[CarePerson, list[str]]]:
        persons = (
            await uow.session.execute(
                select(CarePerson).where(CarePerson.building_id.in_(buildings))
            )
        ).scalars()
        elders = [p for p in persons if audience.is_elderly(subject_of(p).birth_date, now.date())]
        grants = (
            await uow.session.execute(
                select(ConsentGrant).where(ConsentGrant.person_id.in_([p.id for p in elders]))
            )
        ).scalars()
        by_person: dict[str, list[ConsentGrant]] = {}
        for g in grants:
            by_person.setdefault(g.person_id, []).append(g)
        return [
            (p, audience.told_of_warning(
                subject_of(p), [grant_of(g) for g in by_person.get(p.id, [])], now))
            for p in elders
        ]  # fmt: skip

    async def _tell(
        self, uow: UnitOfWork, row: WarningRow, alert: CapAlert,
        elders: Iterable[tuple[CarePerson, list[str]]], now: datetime,
    ) -> None:  # fmt: skip
        words = plain_words(alert)
        severity = audience.delivery(alert)
        for person, users in elders:
            request_id = f"care:warning:{row.id}:{person.id}" if users else None
            told = await uow.session.scalar(
                insert(WarningToldRow)
                .values(warning_id=row.id, person_id=person.id,
                        community_id=person.community_id, building_id=person.building_id,
                        users=users, request_id=request_id, told_at=now)
                .on_conflict_do_nothing()
                .returning(WarningToldRow.person_id)
            )  # fmt: skip
            if told is None or request_id is None or not words:
                continue
            notice = Notice(
                request_id, "care.warning", dict(words), severity, ("inapp", "push", "sms"),
                user_ids=tuple(users),
            )  # fmt: skip
            await send(uow, notice, person.community_id, str(row.id))

    async def _supersede(
        self, uow: UnitOfWork, row: WarningRow, alert: CapAlert, tell: bool, now: datetime
    ) -> None:
        """The alerts the references name (of this sender only) are updated or cancelled;
        the elders a cancelled one told hear that it is lifted."""
        keys = [(s, i) for s, i, _ in alert.references if s == alert.sender]
        if not keys:
            return
        earlier = (
            await uow.session.execute(
                select(WarningRow)
                .where(tuple_(WarningRow.sender, WarningRow.identifier).in_(keys))
                .with_for_update()
            )
        ).scalars()
        state = "cancelled" if alert.msg_type == "Cancel" else "updated"
        communities = set(row.communities)
        for old in earlier:
            communities |= set(old.communities)
            if old.state != "active":
                continue
            old.state, old.changed_at, old.changed_by = state, now, row.id
            if state == "cancelled" and tell and old.audience == "residents":
                await self._lift(uow, row, old, alert, now)
        row.communities = sorted(communities)

    async def _lift(
        self, uow: UnitOfWork, row: WarningRow, old: WarningRow, alert: CapAlert, now: datetime
    ) -> None:
        told = [
            t
            for t in (
                await uow.session.execute(
                    select(WarningToldRow).where(WarningToldRow.warning_id == old.id)
                )
            ).scalars()
            if t.users
        ]
        if not told:
            return
        # a Cancel without info blocks is lifted in the words of what it cancels
        lifted = alert if alert.infos else replace(parse_cap(old.document), msg_type="Cancel")
        persons = {
            p.id: p
            for p in (
                await uow.session.execute(
                    select(CarePerson).where(CarePerson.id.in_([t.person_id for t in told]))
                )
            ).scalars()
        }
        pairs = [(persons[t.person_id], list(t.users)) for t in told if t.person_id in persons]
        await self._tell(uow, row, lifted, pairs, now)
