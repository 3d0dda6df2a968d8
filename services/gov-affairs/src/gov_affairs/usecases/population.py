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

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert

from gov_affairs.db.models import SightingRow
from gov_affairs.db.population import KnownKeyRow, ResidentRow, SeenRow
from gov_affairs.domain import population as d
from gov_affairs.usecases.population_flags import PopulationFlags
from gov_affairs.usecases.population_rows import (
    CHINA,
    Rules,
    digest,
)
from gov_affairs.usecases.population_sweep import PopulationSweep
from sc_contracts.events import (
    PassageRecordedV1,
    PersonRegisteredV1,
    ResidencyEndedV1,
    ResidencyStartedV1,
)
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.places import Places


class Population(PopulationFlags, PopulationSweep):
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
                        .values(key_idx=digest(key), person_id=event.person_id, seen_at=event.ts)
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
        idx = digest(key)
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
