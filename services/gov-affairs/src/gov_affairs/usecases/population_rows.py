"""What the population checks' use cases share (split from
:mod:`gov_affairs.usecases.population`): who works and reads a flag, the sweep's rules, the
key's blind index, a flag row to and from the domain, its event on ``gov.flags.v1`` and the
message that tells the grid worker and the community police of a new one."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from gov_affairs.db.models import PLACES, FlagRow
from gov_affairs.domain import population as d
from gov_affairs.domain.messages import both
from sc_contracts.events import (
    NotificationChannel,
    NotificationRequestedV1,
    NotificationSeverity,
    PopulationFlagChangedV1,
    Recipients,
    RoleInScope,
)
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


def digest(key: str) -> str:
    """The keyed digest (blind index) a face template id or card number is kept as."""
    return get_cipher().blind_index(key, "population.key")


def flag_problem(exc: d.FlagError) -> Problem:
    status = 409 if exc.code == "flag.bad_state" else 422
    return Problem(status, exc.code, str(exc), zh=exc.zh)


def not_found() -> Problem:
    return Problem(404, "flag.not_found", "No such flag", zh="没有这条核查线索")


def domain_of(row: FlagRow) -> d.Flag:
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


def write(row: FlagRow, flag: d.Flag, now: datetime) -> None:
    row.summary = flag.summary[:300]
    row.status = flag.status
    row.resolution = flag.resolution
    row.evidence = list(flag.evidence)
    row.timeline = [s.model_dump(mode="json") for s in flag.timeline]
    row.updated_at = now


async def publish(uow: UnitOfWork, row: FlagRow, now: datetime) -> None:
    """``PopulationFlagChangedV1`` on ``gov.flags.v1``: ids, codes and counts."""
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


async def tell(uow: UnitOfWork, places: Places, row: FlagRow, now: datetime) -> None:
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
        await places.name_of(uow, community_id=row.community_id, room_id=row.room_id)
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
