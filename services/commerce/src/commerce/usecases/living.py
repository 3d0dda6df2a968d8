"""People living in shops (九小场所住人, 6.3 b): night-time power at a shop's room and
entries by its door at night are recorded per night (``shop_nights``); when the week's
nights pass :class:`~commerce.domain.living.LivingRules`, the shop is flagged and
``ShopFlaggedV1`` published on ``commerce.shops.v1``, from which work-orders opens a case
for the grid worker. A shop registered at a room where a household lives is flagged the
same way (:meth:`Shops._check_flag`). The flag names the shop's building: from the
household in its room, its meter's readings or, for a shop known only by its door, the
door's building in identity's register (``DoorChangedV1``, kept in ``doors``), so the
case lands in the grid worker's scope. The thresholds are settings (``LIVING_*``).

Idempotent under redelivery: a night keeps the meter's lowest and highest counter (a
reading seen twice changes neither), an entry is kept by its passage's id (the inbox skips
a redelivered event, and a passage published twice is one entry), and a shop already
flagged is not flagged again, so one flag opens one case."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert

from commerce.db.models import Door, Merchant, Shop, ShopEntry, ShopNight
from commerce.domain import living as rules
from sc_contracts.events import (
    DoorChange,
    DoorChangedV1,
    PassageDirection,
    PassageRecordedV1,
    ShopFlaggedV1,
    TelemetryRecordedV1,
)
from sc_core.db.uow import UnitOfWork


class Living:
    def __init__(self, living_rules: rules.LivingRules = rules.RULES) -> None:
        self.rules = living_rules

    async def on_telemetry(self, events: Sequence[TelemetryRecordedV1], uow: UnitOfWork) -> None:
        """A poll of telemetry: the night-time counters of meters in shops' rooms."""
        readings: list[tuple[TelemetryRecordedV1, float, date]] = []
        for e in events:
            counter = e.values.get(rules.METER_COUNTER)
            if e.device_type != rules.METER_TYPE or not e.room_id:
                continue
            if not isinstance(counter, int | float) or isinstance(counter, bool):
                continue
            night = rules.night_of(e.ts, self.rules)
            if night is not None:
                readings.append((e, float(counter), night))
        if not readings:
            return
        rooms = sorted({e.room_id for e, _, _ in readings if e.room_id})
        shops = (
            await uow.session.scalars(
                select(Shop).where(Shop.room_id.in_(rooms)).order_by(Shop.id).with_for_update()
            )
        ).all()
        if not shops:
            return
        latest: dict[uuid.UUID, date] = {}
        for e, counter, night in readings:
            for shop in shops:
                if shop.room_id != e.room_id or shop.community_id != e.community_id:
                    continue
                if shop.building_id is None and e.building_id:
                    shop.building_id = e.building_id
                await self._record(uow, shop.id, night, counter)
                latest[shop.id] = max(night, latest.get(shop.id, night))
        for shop in shops:
            if shop.id in latest:
                await self._evaluate(uow, shop, latest[shop.id])

    async def on_passage(self, uow: UnitOfWork, event: PassageRecordedV1) -> None:
        """Someone went in by a door: at night, by a shop's door, it counts for the shop."""
        if not event.granted or event.direction != PassageDirection.IN or not event.door_id:
            return
        night = rules.night_of(event.ts, self.rules)
        if night is None:
            return
        shops = (
            await uow.session.scalars(
                select(Shop)
                .where(Shop.door_id == event.door_id, Shop.community_id == event.community_id)
                .order_by(Shop.id)
                .with_for_update()
            )
        ).all()
        for shop in shops:
            await uow.session.execute(
                insert(ShopEntry)
                .values(shop_id=shop.id, passage_id=event.passage_id, night=night)
                .on_conflict_do_nothing()
            )
            await self._evaluate(uow, shop, night)

    async def on_door(self, uow: UnitOfWork, event: DoorChangedV1) -> None:
        """identity registered (or removed) a door: which building it belongs to. An
        older change than the one kept changes nothing."""
        if event.change == DoorChange.REMOVED:
            await uow.session.execute(
                delete(Door).where(
                    Door.door_id == event.door_id, Door.changed_at <= event.changed_at
                )
            )
            return
        values = {
            "community_id": event.community_id,
            "building_id": event.building_id,
            "changed_at": event.changed_at,
        }
        row = insert(Door).values(door_id=event.door_id, **values)
        await uow.session.execute(
            row.on_conflict_do_update(
                index_elements=["door_id"],
                set_=values,
                where=Door.changed_at < row.excluded.changed_at,
            )
        )

    async def _building(self, uow: UnitOfWork, shop: Shop) -> None:
        """A shop without a building takes its door's (a shop known only by its door)."""
        if shop.building_id is not None or shop.door_id is None:
            return
        shop.building_id = await uow.session.scalar(
            select(Door.building_id).where(
                Door.door_id == shop.door_id, Door.community_id == shop.community_id
            )
        )

    async def _record(
        self, uow: UnitOfWork, shop_id: uuid.UUID, night: date, energy: float
    ) -> None:
        row = insert(ShopNight).values(
            shop_id=shop_id, night=night, energy_min=energy, energy_max=energy
        )
        t = ShopNight.__table__.c
        await uow.session.execute(
            row.on_conflict_do_update(
                index_elements=["shop_id", "night"],
                set_={
                    "energy_min": func.least(t.energy_min, row.excluded.energy_min),
                    "energy_max": func.greatest(t.energy_max, row.excluded.energy_max),
                },
            )
        )

    async def _evaluate(self, uow: UnitOfWork, shop: Shop, latest: date) -> None:
        if shop.flag is not None:  # flagged already: its case is open
            return
        since = latest - timedelta(days=self.rules.week_nights - 1)
        meter = (
            await uow.session.scalars(
                select(ShopNight).where(
                    ShopNight.shop_id == shop.id,
                    ShopNight.night >= since,
                    ShopNight.night <= latest,
                )
            )
        ).all()
        counted = await uow.session.execute(
            select(ShopEntry.night, func.count())
            .where(
                ShopEntry.shop_id == shop.id, ShopEntry.night >= since, ShopEntry.night <= latest
            )
            .group_by(ShopEntry.night)
        )
        entries: dict[date, int] = {night: count for night, count in counted.tuples()}
        nights = {n.night: rules.Night(n.night, n.energy_min, n.energy_max) for n in meter}
        for day, count in entries.items():
            known = nights.get(day, rules.Night(day))
            nights[day] = rules.Night(day, known.energy_min, known.energy_max, count)
        finding = rules.verdict(nights.values(), latest, self.rules)
        if finding is None:
            return
        await self._building(uow, shop)
        m = await uow.session.get(Merchant, shop.merchant_id)
        if m is not None:  # always: a shop's merchant is a foreign key
            await flag(uow, shop, m, finding, datetime.now(UTC), mark=latest.isoformat())


async def flag(
    uow: UnitOfWork,
    shop: Shop,
    m: Merchant,
    finding: rules.Finding,
    now: datetime,
    *,
    mark: str,
) -> None:
    """Flag ``shop`` for ``finding`` and publish it for work-orders (one case per flag:
    ``flag_id`` names the shop, the reason and ``mark``)."""
    shop.flag, shop.flag_zh, shop.flag_en, shop.flagged_at = (
        finding.reason,
        finding.zh,
        finding.en,
        now,
    )
    digest = hashlib.sha256(f"{shop.id}:{finding.reason}:{mark}".encode()).hexdigest()[:32]
    await uow.publish(
        ShopFlaggedV1(
            flag_id=f"shop-flag-{digest}",
            shop_id=str(shop.id),
            merchant_id=str(m.id),
            community_id=shop.community_id,
            building_id=shop.building_id,
            room_id=shop.room_id,
            shop_name=shop.name,
            address=m.address,
            reason=finding.reason,
            reason_zh=finding.zh,
            reason_en=finding.en,
            flagged_at=now,
        ),
        key=str(shop.id),
    )
