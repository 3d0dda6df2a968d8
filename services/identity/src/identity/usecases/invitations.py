"""Invitation codes (issue 19 item 8): a household's owner (or the property) gives a family
member or a tenant a single-use code; whoever signs in and presents it joins the household
at once, as if the owner had approved their request. The code is 8 characters a person can
read out (no 0/O, 1/I/L), lives 7 days, and only its digest is stored."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from identity.auth.passwords import token_digest
from identity.db.auth import Account
from identity.db.register import Household
from identity.db.signup import HouseholdInvitation, JoinRequest
from identity.register import repo
from identity.register.places import room_places
from identity.register.signup_schemas import (
    InvitationCreate,
    InvitationRead,
    InvitationUse,
    JoinRequestRead,
)
from identity.usecases import joining
from identity.usecases.signup import register
from identity.usecases.tenancies import checked_end, today_in
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.errors import Forbidden, Problem

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LIFETIME = timedelta(days=7)


def normalised(code: str) -> str:
    """What a person types (spaces, dashes, lower case) as the code was issued."""
    return "".join(c for c in code.upper() if c.isalnum())


class Invitations:
    def __init__(self, db: Database, *, timezone: str = "Asia/Shanghai") -> None:
        self.db = db
        self.timezone = timezone

    async def issue(
        self, who: Caller, household_id: uuid.UUID, body: InvitationCreate
    ) -> InvitationRead:
        ends_on = checked_end(body.relation, body.ends_on, today_in(self.timezone))
        async with self.db.uow() as uow:
            household = await repo.get_or_404(uow.session, Household, household_id)
            owned = await joining.owned_households(uow, who)
            staff = who.principal.is_platform_admin or household.community_id in (
                joining.staff_communities(who)
            )
            if not staff and household.id not in owned:
                raise Forbidden(
                    "join.not_inviter",
                    "Only the household's owner or the property invites",
                    zh="只有该户业主或物业可以发出邀请",
                )
            if household.status != "active":
                raise Problem(
                    409, "household.dissolved", "The household is dissolved", zh="该户已注销"
                )
            code = "".join(secrets.choice(ALPHABET) for _ in range(8))
            row = HouseholdInvitation(
                household_id=household.id,
                community_id=household.community_id,
                relation=body.relation,
                code_hash=token_digest(code),
                created_by=who.subject,
                expires_at=datetime.now(UTC) + LIFETIME,
                ends_on=ends_on,
            )
            uow.session.add(row)
            await uow.session.flush()
            place = (await room_places(uow.session, [household.room_id]))[household.room_id]
            await uow.audit(
                who,
                "household.invite",
                "household",
                str(household.id),
                community_id=str(household.community_id),
                detail={
                    "invitation_id": str(row.id),
                    "relation": body.relation,
                    "ends_on": ends_on.isoformat() if ends_on else "",
                },
            )
            await uow.commit()
            return InvitationRead(
                code=code,
                relation=body.relation,
                relation_label=joining.RELATION_ZH[body.relation],
                place=place.label,
                expires_at=row.expires_at,
                ends_on=ends_on,
            )

    async def join(self, who: Caller, body: InvitationUse) -> JoinRequestRead:
        async with self.db.uow() as uow:
            account = await uow.session.get(Account, uuid.UUID(who.subject))
            if account is None or account.kind != "user":
                raise Forbidden(
                    "join.no_account",
                    "Only a person's account may join",
                    zh="只有个人账号可以加入住户",
                )
            now = datetime.now(UTC)
            used = await uow.session.scalar(
                update(HouseholdInvitation)
                .where(
                    HouseholdInvitation.code_hash == token_digest(normalised(body.code)),
                    HouseholdInvitation.used_at.is_(None),
                    HouseholdInvitation.expires_at > now,
                )
                .values(used_at=now, used_by=account.id)
                .returning(HouseholdInvitation)
            )
            if used is None:
                raise Problem(
                    422,
                    "join.invalid_invitation",
                    "The invitation code is wrong, used or expired; ask for a new one",
                    zh="邀请码不正确、已使用或已过期，请向业主重新索取",
                    errors=[{"field": "body.code", "message": "invalid", "type": "invitation"}],
                )
            household = await repo.get_or_404(uow.session, Household, used.household_id)
            if await joining.lives_in(uow, account, household.id):
                raise Problem(
                    409,
                    "join.already_member",
                    "You are already registered in this household",
                    zh="您已登记在该住户中",
                )
            request = JoinRequest(
                account_id=account.id,
                community_id=household.community_id,
                building_id=household.building_id,
                unit_id=household.unit_id,
                room_id=household.room_id,
                household_id=household.id,
                relation=used.relation,
                name=body.name,
                status="approved",
                decided_by=used.created_by,  # the inviter's code is the approval
                decided_at=now,
                ends_on=used.ends_on,
            )
            uow.session.add(request)
            await uow.session.flush()
            await register(uow, who, account, request, household)
            await uow.audit(
                who,
                "join_request.invitation",
                "join_request",
                str(request.id),
                community_id=str(request.community_id),
                detail={"invitation_id": str(used.id), "relation": used.relation},
            )
            read = (await joining.read(uow, who, [request]))[0]
            await uow.commit()
            return read
