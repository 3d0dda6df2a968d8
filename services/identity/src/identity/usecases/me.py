"""The caller: account, roles, grants and the households they belong to (named as people
say them); and changing one's own password (audited)."""

from __future__ import annotations

import uuid

from sqlalchemy import bindparam, select

from identity.auth.passwords import hash_password_async, verify_password_async
from identity.auth.schemas import GrantClaim, HouseholdSummary, MeRead, PasswordChange
from identity.db.auth import Account
from identity.db.register import Household
from identity.register import places
from identity.roles import HOUSEHOLD_ROLES
from sc_core.auth import Caller, Principal
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import NotFound, Problem

# built once: a statement object keeps its cache key, so each call only binds the id
_NAMES = select(Account.username, Account.person_id).where(Account.id == bindparam("account_id"))


class Me:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def read(self, who: Caller) -> MeRead:
        principal = who.principal
        username = person_id = None
        subject = _uuid(principal.subject)
        if subject is not None:  # two columns on a pooled connection, no Session (ADR 0064)
            async with self.db.read() as conn:
                found = (await conn.execute(_NAMES, {"account_id": subject})).first()
            if found is not None:
                username, person_id = found
        households: list[HouseholdSummary] = []
        granted = _granted_households(principal)
        if granted:
            async with self.db.uow(read_only=True) as uow:
                households = await _households(uow, granted)
        return MeRead(
            id=principal.subject,
            kind=principal.kind,
            username=username,
            name=principal.name,
            roles=sorted(principal.roles),
            grants=[GrantClaim(**g.to_claim()) for g in principal.grants],
            households=households,
            person_id=person_id,
        )

    async def change_password(self, who: Caller, body: PasswordChange) -> None:
        async with self.db.uow() as uow:
            account = await _account(uow, who.principal)
            if account is None or account.kind != "user":
                raise NotFound(
                    "account.not_found",
                    "This token belongs to no person's account",
                    zh="当前登录的不是个人账号",
                )
            if not await verify_password_async(body.current_password, account.password_hash):
                raise Problem(
                    400,
                    "auth.invalid_credentials",
                    "The current password is wrong",
                    zh="当前密码不正确",
                )
            account.password_hash = await hash_password_async(body.new_password)
            await uow.audit(who, "account.password_change", "account", str(account.id))
            await uow.commit()


async def _account(uow: UnitOfWork, principal: Principal) -> Account | None:
    subject = _uuid(principal.subject)
    return None if subject is None else await uow.session.get(Account, subject)


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _granted_households(principal: Principal) -> dict[uuid.UUID, str]:
    """The households the token's grants name, with the caller's role in each."""
    granted: dict[uuid.UUID, str] = {}
    for g in principal.grants:
        if g.scope_type == "household" and g.role in HOUSEHOLD_ROLES:
            household = _uuid(g.scope_id)
            if household is not None:
                granted.setdefault(household, g.role)
    return granted


async def _households(uow: UnitOfWork, granted: dict[uuid.UUID, str]) -> list[HouseholdSummary]:
    found = (
        await uow.session.scalars(select(Household).where(Household.id.in_(list(granted))))
    ).all()
    where = await places.room_places(uow.session, [h.room_id for h in found])
    out = []
    for h in found:
        place = where.get(h.room_id)
        community = place.community if place else None
        out.append(
            HouseholdSummary(
                household_id=h.id,
                role=granted[h.id],
                name=h.name,
                community_id=h.community_id,
                building_id=h.building_id,
                unit_id=h.unit_id,
                room_id=h.room_id,
                room_standard_code=place.room.standard_code if place else None,
                place_label=place.label if place else None,
                address=place.address if place else None,
                community_name=community.name if community else None,
                property_name=community.property_name if community else None,
                property_phone=community.property_phone if community else None,
            )
        )
    return out
