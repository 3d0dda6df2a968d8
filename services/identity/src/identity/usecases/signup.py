"""Sign-up (issue 19 item 8): a new resident creates an account with their mobile number,
then asks to join a household; the property (or the household's owner, for family and
tenants) approves, and the account is registered in the household with its grant.

One unit of work per command owns the checks, the audit record, the events (register
events, the grant, notifications) and the commit.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import select

from identity.auth.accounts import flush_unique, set_mobile
from identity.auth.passwords import hash_password_async
from identity.db.auth import Account, Grant
from identity.db.register import Household, Person
from identity.db.signup import JoinRequest
from identity.register import people
from identity.register.signup_schemas import (
    JoinRequestCreate,
    JoinRequestRead,
    JoinStatus,
    SignUp,
)
from identity.sms.codes import Purpose
from identity.usecases import joining
from identity.usecases.sms import SmsCodes, invalid_code, phone_index
from identity.usecases.tenancies import checked_end, today_in
from sc_contracts.events import (
    GrantChange,
    GrantChangedV1,
    HouseholdChange,
    Recipients,
)
from sc_core.api import PageParams, fetch_page
from sc_core.auth import Anonymous, Caller, Principal
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Conflict, Forbidden, NotFound, Problem


class Signups:
    def __init__(
        self, db: Database, *, timezone: str = "Asia/Shanghai", sms: SmsCodes | None = None
    ) -> None:
        self.db = db
        self.timezone = timezone
        self.sms = sms  # set: the mobile is proven by an SMS code (purpose signup) first

    # sign-up -------------------------------------------------------------------------
    async def sign_up(self, body: SignUp, address: str | None) -> Account:
        async with self.db.uow() as uow:
            if self.sms is not None:
                if not body.sms_code:
                    raise Problem(
                        422,
                        "signup.sms_code_required",
                        "Prove the mobile number first: ask for a code (POST "
                        "/api/v1/auth/sms-codes, purpose signup) and send it as sms_code",
                        zh="请先获取短信验证码并填写，以验证手机号",
                    )
                taken = await uow.session.scalar(
                    select(Account.id).where(Account.mobile_idx == phone_index(body.mobile))
                )
                if taken is None:  # a taken number is told below, the code kept
                    who = Anonymous(address)
                    if not await self.sms.redeem(
                        uow, who, body.mobile, body.sms_code, Purpose.signup
                    ):
                        raise invalid_code(422)
            account = Account(
                username=f"m{uuid.uuid4().hex[:15]}",  # the mobile is the login name
                kind="user",
                display_name=body.display_name,
                password_hash=await hash_password_async(body.password),
                created_by="signup",
            )
            set_mobile(account, body.mobile)
            uow.session.add(account)
            try:
                await flush_unique(uow)
            except Conflict as taken:
                raise Conflict(
                    "account.mobile_taken",
                    "This mobile number already has an account; sign in with it",
                    zh="该手机号已注册，请直接登录",
                ) from taken
            who = Caller(Principal(subject=str(account.id)), address)
            await uow.audit(who, "account.signup", "account", str(account.id))
            await uow.commit()
            return account

    # asking to join --------------------------------------------------------------------
    async def ask(self, who: Caller, body: JoinRequestCreate) -> JoinRequestRead:
        async with self.db.uow() as uow:
            account = await uow.session.get(Account, uuid.UUID(who.subject))
            if account is None or account.kind != "user":
                raise Forbidden(
                    "join.no_account",
                    "Only a person's account may ask to join",
                    zh="只有个人账号可以申请加入住户",
                )
            room = await joining.room(uow, body)
            household = await joining.active_household(uow, room.id)
            if household is not None and await joining.lives_in(uow, account, household.id):
                raise Conflict(
                    "join.already_member",
                    "You are already registered in this household",
                    zh="您已登记在该住户中",
                )
            request = JoinRequest(
                account_id=account.id,
                community_id=room.community_id,
                building_id=room.building_id,
                unit_id=room.unit_id,
                room_id=room.id,
                household_id=household.id if household else None,
                relation=body.relation,
                name=body.name,
            )
            uow.session.add(request)
            await _flush_pending(uow)
            read = (await joining.read(uow, who, [request]))[0]
            await joining.notify_deciders(uow, request, read.place)
            await uow.audit(
                who,
                "join_request.create",
                "join_request",
                str(request.id),
                community_id=str(request.community_id),
                detail={"room_id": str(room.id), "relation": body.relation},
            )
            await uow.commit()
            return read

    async def page(
        self, who: Caller, paging: PageParams, *, status: JoinStatus | None = None
    ) -> tuple[list[JoinRequestRead], int]:
        async with self.db.uow(read_only=True) as uow:
            query = select(JoinRequest).where(await joining.visible(uow, who))
            if status is not None:
                query = query.where(JoinRequest.status == status)
            order = (JoinRequest.created_at.desc(), JoinRequest.id)
            rows, total = await fetch_page(uow.session, query.order_by(*order), paging)
            return await joining.read(uow, who, list(rows)), total

    # deciding --------------------------------------------------------------------------
    async def approve(
        self, who: Caller, request_id: uuid.UUID, ends_on: date | None = None
    ) -> JoinRequestRead:
        """Register the applicant; a tenant's link may end on ``ends_on`` (issue 19 item 8:
        ``usecases/tenancies.py`` ends it on that day)."""
        async with self.db.uow() as uow:
            request = await _pending(uow, who, request_id)
            request.ends_on = checked_end(request.relation, ends_on, today_in(self.timezone))
            account = await uow.session.get(Account, request.account_id)
            if account is None:  # the FK cascades: a deleted account takes its requests
                raise NotFound("join.not_found", "No such request", zh="找不到该申请")
            household = await _household_for(uow, who, request)
            await register(uow, who, account, request, household)
            read = await self._decided(uow, who, request, "approved", None)
            await uow.commit()
            return read

    async def reject(
        self, who: Caller, request_id: uuid.UUID, reason: str | None
    ) -> JoinRequestRead:
        if not (reason or "").strip():
            raise Problem(
                422,
                "join.reason_required",
                "Say why the request is rejected; the applicant reads it",
                zh="请填写未通过的原因，申请人会看到",
                errors=[{"field": "body.reason", "message": "required", "type": "missing"}],
            )
        async with self.db.uow() as uow:
            request = await _pending(uow, who, request_id)
            read = await self._decided(uow, who, request, "rejected", reason)
            await uow.commit()
            return read

    async def _decided(
        self, uow: UnitOfWork, who: Caller, request: JoinRequest, status: str, reason: str | None
    ) -> JoinRequestRead:
        request.status = status
        request.reason = reason
        request.decided_by = who.subject
        request.decided_at = datetime.now(UTC)
        await uow.session.flush()
        read = (await joining.read(uow, who, [request]))[0]
        verdict = "已通过" if status == "approved" else f"未通过：{reason}"
        await uow.publish(
            joining.notice(
                f"identity-join-{request.id}-{status}",
                Recipients(user_ids=[str(request.account_id)]),
                "入户申请结果",
                f"您以{read.relation_label}身份登记到 {read.place} 的申请{verdict}",
                str(request.community_id),
                english=(
                    "Your request to join a household",
                    f"Your request to be registered at {read.place} as "
                    f"{joining.RELATION_EN.get(request.relation, request.relation)} "
                    + ("was approved." if status == "approved" else f"was not approved: {reason}"),
                ),
            ),
            key=f"identity-join-{request.id}-{status}",
        )
        await uow.audit(
            who,
            f"join_request.{'approve' if status == 'approved' else 'reject'}",
            "join_request",
            str(request.id),
            community_id=str(request.community_id),
            detail={"account_id": str(request.account_id), "relation": request.relation},
        )
        return read


async def register(
    uow: UnitOfWork, who: Caller, account: Account, request: JoinRequest, household: Household
) -> None:
    """The applicant in the register, as staff would enter them: their person (new with
    the request's name and the account's mobile, or the account's own), a residency in
    ``household`` with the request's relation, the household grant, and their events."""
    person = await _person_of(uow, who, account, request)
    new_person = person.id is None
    if new_person:
        uow.session.add(person)
        await uow.session.flush()
        account.person_id = person.id
    await people.start_residency(uow, person, household, request.relation, None, who.subject)
    if new_person:
        await people.person_registered(uow, person, request.relation, household, who.subject)
    await _grant(uow, who, account, joining.ROLE_OF[request.relation], household)
    request.household_id = household.id


async def _pending(uow: UnitOfWork, who: Caller, request_id: uuid.UUID) -> JoinRequest:
    request = await uow.session.scalar(
        select(JoinRequest).where(JoinRequest.id == request_id).with_for_update()
    )
    if request is None:
        raise NotFound("join.not_found", "No such request", zh="没有这个入户申请")
    if str(request.account_id) == who.subject and not who.principal.is_platform_admin:
        raise Forbidden(
            "join.own_request", "Nobody decides their own request", zh="不能审核自己的申请"
        )
    if not joining.decides(who, request, await joining.owned_households(uow, who)):
        raise Forbidden(
            "join.not_decider",
            "Only the property, or the household's owner for family and tenants, decides",
            zh="只有物业，或该户业主（对家庭成员和租户）可以审核",
        )
    if request.status != "pending":
        raise Conflict(
            "join.decided",
            "The request has already been decided",
            zh=f"该申请已审核（{joining.STATUS_ZH.get(request.status, '')}）",
        )
    return request


async def _household_for(uow: UnitOfWork, who: Caller, request: JoinRequest) -> Household:
    """The household to join: the room's active one; a new one for an owner of an empty
    flat (none to join for family or a tenant)."""
    household = await joining.active_household(uow, request.room_id)
    if household is not None:
        return household
    if request.relation != "owner":
        raise Conflict(
            "join.no_household",
            "Nobody is registered in this flat yet; its owner registers first",
            zh="该房屋还没有登记住户，请业主先登记",
        )
    household = Household(
        community_id=request.community_id,
        building_id=request.building_id,
        unit_id=request.unit_id,
        room_id=request.room_id,
        name=f"{request.name}户",
    )
    uow.session.add(household)
    await uow.session.flush()
    await people.household_changed(uow, household, HouseholdChange.CREATED, who.subject)
    return household


async def _person_of(
    uow: UnitOfWork, who: Caller, account: Account, request: JoinRequest
) -> Person:
    """The account's person in the register, or a new one (not yet added: its id is None
    until the flush) with the request's name and the account's mobile."""
    if account.person_id is not None:
        person = await uow.session.get(Person, account.person_id)
        if person is not None:
            return person
    person = Person(name=request.name, created_by=who.subject, account_id=account.id)
    people.set_sensitive(person, "phone", account.mobile)
    return person


async def _grant(
    uow: UnitOfWork, who: Caller, account: Account, role: str, household: Household
) -> None:
    """The household grant the member's token carries (the place decides, not the
    decider's right to grant roles: the approval is that right)."""
    exists = await uow.session.scalar(
        select(Grant.id).where(
            Grant.account_id == account.id,
            Grant.role == role,
            Grant.scope_type == "household",
            Grant.scope_id == str(household.id),
        )
    )
    if exists:
        return
    row = Grant(
        account_id=account.id,
        account_username=account.username,
        role=role,
        scope_type="household",
        scope_id=str(household.id),
        community_id=household.community_id,
        created_by=who.subject,
    )
    uow.session.add(row)
    await uow.session.flush()
    await uow.audit(
        who,
        "grant.granted",
        "grant",
        str(row.id),
        community_id=str(row.community_id),
        detail={"account_id": str(account.id), "role": role, "scope": f"household:{household.id}"},
    )
    await uow.publish(
        GrantChangedV1(
            aggregate_id=str(account.id),
            account_id=str(account.id),
            grant_id=str(row.id),
            change=GrantChange.GRANTED,
            role=role,
            scope_type="household",
            scope_id=str(household.id),
            community_id=str(household.community_id),
            changed_by=who.subject,
            changed_at=datetime.now(UTC),
        ),
        key=str(account.id),
    )


async def _flush_pending(uow: UnitOfWork) -> None:
    from sqlalchemy.exc import IntegrityError

    try:
        async with uow.session.begin_nested():
            await uow.session.flush()
    except IntegrityError as exc:
        raise Conflict(
            "join.pending",
            "You have already asked to join this flat; the property is reviewing it",
            zh="您已提交过该房屋的入户申请，正在审核中",
        ) from exc
