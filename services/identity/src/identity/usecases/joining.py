"""What the sign-up use cases share: the flat a request names, who sees and decides a
request, how it reads (in words) and the notices it sends."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, false, or_, select

from identity.db.auth import Account
from identity.db.register import Building, Community, Household, Person, Residency, Room, Unit
from identity.db.signup import JoinRequest
from identity.register.places import room_places
from identity.register.signup_schemas import JoinRequestCreate, JoinRequestRead
from sc_contracts.events import (
    NotificationChannel,
    NotificationRequestedV1,
    NotificationSeverity,
    Recipients,
    RoleInScope,
)
from sc_core.auth import Caller
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.privacy import mask_model

# who decides a request for their community (the property office, the community admin)
DECIDERS = ("property_staff", "property_manager", "community_admin")
# the household role each relation's member holds
ROLE_OF = {"owner": "resident", "family": "family", "tenant": "tenant"}
RELATION_ZH = {"owner": "业主", "family": "家庭成员", "tenant": "租户"}
RELATION_EN = {"owner": "the owner", "family": "a family member", "tenant": "a tenant"}
STATUS_ZH = {"pending": "待审核", "approved": "已通过", "rejected": "未通过"}
SOURCE = "identity"


# places ------------------------------------------------------------------------------
async def room(uow: UnitOfWork, body: JoinRequestCreate) -> Room:
    """The room the body names; a part that matches nothing is named with its field."""
    s = uow.session
    community = await s.scalar(select(Community).where(Community.code == body.community_code))
    if community is None:
        raise unknown("community_code", "No community has this code", "没有这个编号的社区")
    building = await s.scalar(
        select(Building).where(
            Building.community_id == community.id, Building.code == body.building_code
        )
    )
    if building is None:
        raise unknown(
            "building_code", f"{community.name} has no such building", f"{community.name}没有这栋楼"
        )
    unit = await s.scalar(
        select(Unit).where(Unit.building_id == building.id, Unit.code == body.unit_code)
    )
    if unit is None:
        raise unknown(
            "unit_code", f"{building.name} has no such unit", f"{building.name}没有这个单元"
        )
    room = await s.scalar(select(Room).where(Room.unit_id == unit.id, Room.code == body.room_code))
    if room is None:
        raise unknown(
            "room_code",
            f"{building.name}{unit.name} has no room {body.room_code}",
            f"{building.name}{unit.name}没有{body.room_code}室",
        )
    return room


def unknown(field: str, en: str, zh: str) -> Problem:
    return Problem(
        422,
        "join.unknown_place",
        en,
        zh=zh,
        errors=[{"field": f"body.{field}", "message": en, "type": "unknown_place"}],
    )


async def active_household(uow: UnitOfWork, room_id: uuid.UUID) -> Household | None:
    return await uow.session.scalar(
        select(Household)
        .where(Household.room_id == room_id, Household.status == "active")
        .order_by(Household.created_at)
        .limit(1)
    )


async def lives_in(uow: UnitOfWork, account: Account, household_id: uuid.UUID) -> bool:
    if account.person_id is None:
        return False
    found = await uow.session.scalar(
        select(Residency.id).where(
            Residency.person_id == account.person_id,
            Residency.household_id == household_id,
            Residency.moved_out_on.is_(None),
        )
    )
    return found is not None


async def owned_households(uow: UnitOfWork, who: Caller) -> list[uuid.UUID]:
    """The households the caller is a current owner (业主) of."""
    rows = await uow.session.scalars(
        select(Residency.household_id)
        .join(Person, Person.id == Residency.person_id)
        .where(
            Person.account_id == uuid.UUID(who.subject),
            Residency.relation == "owner",
            Residency.moved_out_on.is_(None),
        )
    )
    return list(rows)


def staff_communities(who: Caller) -> list[uuid.UUID]:
    return [uuid.UUID(c) for c in who.principal.scope_ids("community", DECIDERS)]


def decides(who: Caller, request: JoinRequest, owned: set[uuid.UUID] | list[uuid.UUID]) -> bool:
    """The property (and the platform admin) decides every request of its communities; a
    household's owner decides family and tenants asking to join it."""
    if who.principal.is_platform_admin or request.community_id in staff_communities(who):
        return True
    return request.household_id in owned and request.relation != "owner"


async def visible(uow: UnitOfWork, who: Caller) -> ColumnElement[bool]:
    """One's own requests, those of the communities one decides for, and those to join a
    household one owns."""
    if who.principal.is_platform_admin:
        return JoinRequest.id.is_not(None)
    clauses: list[ColumnElement[bool]] = [JoinRequest.account_id == uuid.UUID(who.subject)]
    if communities := staff_communities(who):
        clauses.append(JoinRequest.community_id.in_(communities))
    if owned := await owned_households(uow, who):
        clauses.append(
            JoinRequest.household_id.in_(owned) & JoinRequest.relation.in_(("family", "tenant"))
        )
    return or_(false(), *clauses)


async def notify_deciders(uow: UnitOfWork, request: JoinRequest, place: str) -> None:
    community = str(request.community_id)
    roles = [RoleInScope(role=r, scope_type="community", scope_id=community) for r in DECIDERS[:2]]
    await uow.publish(
        notice(
            f"identity-join-{request.id}-asked",
            Recipients(roles_in_scope=roles),
            "新的入户申请",
            f"有居民申请以{RELATION_ZH[request.relation]}身份登记到 {place}，请审核",
            community,
            english=(
                "New request to join a household",
                f"A resident asks to be registered at {place} as "
                f"{RELATION_EN[request.relation]}; please review it.",
            ),
        ),
        key=f"identity-join-{request.id}-asked",
    )


def notice(
    request_id: str,
    recipients: Recipients,
    title: str,
    body: str,
    community_id: str,
    *,
    english: tuple[str, str] | None = None,
) -> NotificationRequestedV1:
    """A generic message, zh-CN first; ``english`` (title, body) for English readers."""
    variables = {"title": title, "body": body}
    if english is not None:
        variables |= {"title_en": english[0], "body_en": english[1]}
    return NotificationRequestedV1(
        request_id=request_id,
        recipients=recipients,
        template="generic.message",
        variables=variables,
        severity=NotificationSeverity.INFO,
        channels=[NotificationChannel.INAPP],
        source_service=SOURCE,
        community_id=community_id,
    )


async def read(uow: UnitOfWork, who: Caller, rows: list[JoinRequest]) -> list[JoinRequestRead]:
    places = await room_places(uow.session, [r.room_id for r in rows])
    owned = set(await owned_households(uow, who)) if rows else set()
    out = []
    for r in rows:
        place = places.get(r.room_id)
        model = JoinRequestRead(
            id=r.id,
            account_id=r.account_id,
            community_id=r.community_id,
            room_id=r.room_id,
            household_id=r.household_id,
            place=place.label if place else "",
            relation=r.relation,
            relation_label=RELATION_ZH[r.relation],
            name=r.name,
            status=r.status,
            status_label=STATUS_ZH[r.status],
            reason=r.reason,
            decided_at=r.decided_at,
            created_at=r.created_at,
            ends_on=r.ends_on,
            ended=r.ended_at is not None,
        )
        own = str(r.account_id) == who.subject
        # who decides reads the applicant's name as given
        deciding = decides(who, r, owned)
        out.append(
            model if deciding else mask_model(model, who.principal.grade, self_or_household=own)
        )
    return out
