"""Cases (报事报修, complaints, hazards, alarm dispatches ...): open one, take a step, read
them. Every change is written with its WorkOrderChangedV1, its notification requests and
its audit record in one transaction (the writing itself is :mod:`.lifecycle`'s).

Called from a route (``open``, ``step`` ... open their own unit of work and commit it)
and from an event handler (``open_from_alarm``, ``alarm_cleared`` run in the consumer's
unit of work, so the inbox row commits with the effect).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row

from sc_contracts.events import (
    AlarmAction,
    AlarmClearedV1,
    AlarmRaisedV1,
    OrganisationComplaintFiledV1,
    ServiceBookingRequestedV1,
    ShopFlaggedV1,
)
from sc_core.api import PageParams
from sc_core.auth import Caller, Principal, in_scope
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Forbidden, NotFound, Problem
from sc_core.places import Places
from sc_core.places.defaults import missing_place
from work_orders.api.schemas.cases import StepBody, WorkOrderCreate
from work_orders.db import cases as repo
from work_orders.db.models import CaseType, TimelineEntry, WorkOrder
from work_orders.domain import access, states
from work_orders.domain.cases import NewCase, StepInput, parse_if_match
from work_orders.domain.titles import (
    alarm_description,
    alarm_title,
    booking_title,
    complaint_title,
    shop_title,
)
from work_orders.usecases.lifecycle import Lifecycle, active_type, now_utc

log = logging.getLogger(__name__)
BOOKING_CASE_TYPE = "maintenance_booking"
SHOP_LIVING_CASE_TYPE = "shop_living_check"
ALARM_CASE_TYPE = "alarm_dispatch"
COMPLAINT_CASE_TYPE = "complaint"
STAFF_SOURCES = {"hotline_ticket": "hotline", "patrol_issue": "patrol"}


@dataclass(frozen=True)
class CaseDetail:
    """A case with its timeline and attachments: what a route shapes into its answer."""

    case: WorkOrder
    timeline: list[TimelineEntry]
    attachment_ids: list[uuid.UUID]


def not_found() -> NotFound:
    return NotFound("workorder.not_found", "No such work order", zh="没有这张工单")


class Cases:
    def __init__(self, db: Database, places: Places, lifecycle: Lifecycle) -> None:
        self.db = db
        self.places = places
        self.lifecycle = lifecycle

    # from a route --------------------------------------------------------------------
    async def open(self, who: Caller, body: WorkOrderCreate) -> CaseDetail:
        """A resident (for their household) or staff (at a place in their scope) opens a
        case; identity's placement of the household wins over what the app sent."""
        async with self.db.uow() as uow:
            if body.household_id is None:
                households = who.principal.scope_ids("household", states.RESIDENT_ROLES)
                if len(households) == 1 and not who.principal.has_role(*states.STAFF_ROLES):
                    body.household_id = next(iter(households))
            if body.household_id is not None:
                place = await self.places.household(uow, body.household_id)
                if place is not None:
                    body.community_id, body.building_id = place.community_id, place.building_id
                    body.unit_id, body.room_id = place.unit_id, place.room_id
                    body.grid_id = place.grid_id
            ct = await active_type(uow, body.case_type)
            # what the caller's grants imply need not be sent (issue 19 item 2)
            openers = set(ct.creator_roles) | {"platform_admin"}
            body.community_id = await self.places.default_community(
                uow, who.principal, body.community_id, roles=openers
            )
            body.grid_id = await self.places.default_grid(
                uow,
                who.principal,
                grid_id=body.grid_id,
                building_id=body.building_id,
                roles=openers & states.STAFF_ROLES,
            )
            side = _creator_side(who.principal, body, ct)
            if side == "app" and body.priority == "urgent":
                # a resident says what happened; staff decide what is urgent (issue 30.12)
                raise Problem(
                    403,
                    "workorder.priority_forbidden",
                    "Only staff may mark a case urgent",
                    zh="只有工作人员可以将工单设为紧急",
                    priority=body.priority,
                )
            source = "app" if side == "app" else STAFF_SOURCES.get(ct.code, "staff")
            new = NewCase(
                case_type=ct.code,
                title=body.title,
                description=body.description,
                priority=body.priority,
                community_id=str(body.community_id),
                grid_id=body.grid_id,
                building_id=body.building_id,
                unit_id=body.unit_id,
                room_id=body.room_id,
                household_id=body.household_id,
                place=body.place,
                longitude=body.longitude,
                latitude=body.latitude,
                reporter_id=who.subject,
                external_ref=body.external_ref,
                details=dict(body.details),
                attachment_ids=list(body.attachment_ids),
                source=source,
            )
            wo = await self.lifecycle.open(uow, new, actor_id=who.subject)
            await uow.audit(
                who,
                "workorder.create",
                "work_order",
                str(wo.id),
                community_id=wo.community_id,
                detail={"case_type": wo.case_type},
            )
            await uow.commit()
            return await _detail(uow, wo)

    async def step(
        self,
        who: Caller,
        work_order_id: uuid.UUID,
        action: str,
        body: StepBody,
        *,
        if_match: str | None = None,
    ) -> CaseDetail:
        """Take ``action`` on a case the caller sees, in the capacity the rules give them."""
        async with self.db.uow() as uow:
            wo = await repo.lock(uow, work_order_id)
            if wo is None or not access.can_see(who.principal, wo):
                raise not_found()
            expected = body.version
            if if_match:
                try:
                    expected = parse_if_match(if_match)
                except ValueError as exc:
                    raise Problem(
                        400,
                        "workorder.bad_if_match",
                        "If-Match must be the version",
                        zh="If-Match 须为工单版本号",
                    ) from exc
            actor = access.actor_for(who.principal, wo, action)
            assignee = body.assignee_id
            if action == "assign" and not assignee and access.is_staff_for(who.principal, wo):
                suggested = await repo.candidates(uow, wo, limit=1)
                assignee = suggested[0].user_id if suggested else None
            elif action == "assign" and assignee and not await repo.may_take(uow, wo, assignee):
                # any string, or a resident, was taken as the one handling the case
                raise Problem(
                    422,
                    "workorder.assignee_not_staff",
                    "The assignee must be on this community's staff register for the case's "
                    "building",
                    zh="受理人必须是本社区登记在册、负责该楼栋的工作人员",
                    assignee_id=assignee,
                )
            step = StepInput(
                text=body.text,
                attachment_ids=list(body.attachment_ids),
                longitude=body.longitude,
                latitude=body.latitude,
                assignee_id=assignee,
                rating=body.rating,
                data={"category": body.category} if body.category else {},
            )
            await self.lifecycle.take_step(
                uow, wo, action, actor=actor, actor_id=who.subject, step=step, expected=expected
            )
            await uow.audit(
                who,
                f"workorder.{action}",
                "work_order",
                str(wo.id),
                community_id=wo.community_id,
                detail={"status": wo.status},
            )
            await uow.commit()
            return await _detail(uow, wo)

    async def detail(self, who: Caller, work_order_id: uuid.UUID) -> CaseDetail:
        async with self.db.uow(read_only=True) as uow:
            return await _detail(uow, await self._visible(uow, who.principal, work_order_id))

    async def page(
        self, who: Caller, where: repo.CaseFilter, paging: PageParams
    ) -> tuple[list[Row[Any]], int]:
        """The caller's cases: theirs and their household's, and their staff scope (rows of
        :data:`~work_orders.db.cases.LISTED`)."""
        if where.assignee == "me":
            where = repo.CaseFilter(where.status, where.case_type, who.subject, where.overdue)
        async with self.db.read() as conn:
            return await repo.page(conn, who.principal, where, paging, now_utc())

    async def inbox(self, who: Caller, limit: int) -> dict[str, tuple[int, list[WorkOrder]]]:
        """Staff's received, pending, in progress and overdue cases (count and first few)."""
        if not who.principal.has_role(*states.STAFF_ROLES):
            raise Forbidden(
                "auth.forbidden", "The inbox is for staff", zh="待办工单仅供工作人员查看"
            )
        scope = repo.staff_clause(who.principal)
        status = WorkOrder.status
        buckets = {
            "received": status.in_([states.SUBMITTED, states.REOPENED]),
            "pending": status.in_([states.ACCEPTED, states.ASSIGNED]),
            "in_progress": status == states.IN_PROGRESS,
            "overdue": repo.overdue_clause(now_utc()),
        }
        async with self.db.uow(read_only=True) as uow:
            return {name: await repo.bucket(uow, scope & c, limit) for name, c in buckets.items()}

    async def assignees(self, who: Caller, work_order_id: uuid.UUID) -> list[repo.Candidate]:
        """Who could take the case (skill and building), least loaded first: staff only."""
        async with self.db.uow(read_only=True) as uow:
            wo = await self._visible(uow, who.principal, work_order_id)
            if not access.is_staff_for(who.principal, wo):
                raise Forbidden(
                    "auth.forbidden",
                    "Only staff see the candidates",
                    zh="只有工作人员可以查看可派人员",
                )
            return await repo.candidates(uow, wo)

    # from an event (the consumer's unit of work) --------------------------------------
    async def open_from_alarm(self, uow: UnitOfWork, alarm: AlarmRaisedV1) -> WorkOrder | None:
        """Exactly one case per alarm whose rule asks for one; an alarm in a flat belongs to
        the household living there (identity's placements), whose residents follow,
        confirm and rate it like a case they reported."""
        if AlarmAction.OPEN_WORK_ORDER not in alarm.actions:
            return None
        if await repo.opened_for_alarm(uow, alarm.alarm_id):  # raised again, or redelivered
            return None
        code = alarm.work_order_type or ALARM_CASE_TYPE
        ct = await repo.case_type(uow, code)
        if ct is None or not ct.active:
            log.warning(
                "alarm %s asks for unknown case type %s; using %s",
                alarm.alarm_id,
                code,
                ALARM_CASE_TYPE,
            )
            code = ALARM_CASE_TYPE
        household = (
            await self.places.household_in_room(uow, alarm.room_id) if alarm.room_id else None
        )
        # untitled: the type and severity in words (烟雾告警（严重）), never their codes
        title, title_en = alarm_title(alarm.title, alarm.alarm_type, str(alarm.severity))
        description, description_en = alarm_description(
            alarm.alarm_type, str(alarm.severity), alarm.originator_type
        )
        new = NewCase(
            case_type=code,
            title=title[:200],
            description=description,
            priority=states.priority_for_severity(str(alarm.severity)),
            community_id=alarm.community_id,
            building_id=alarm.building_id,
            unit_id=alarm.unit_id,
            room_id=alarm.room_id,
            household_id=household,
            source="alarm",
            alarm_id=alarm.alarm_id,
            details={
                "title_en": title_en[:200],
                "description_en": description_en,
                "alarm_type": alarm.alarm_type,
                "severity": str(alarm.severity),
                "originator_type": alarm.originator_type,
                "originator_id": alarm.originator_id,
            },
        )
        return await self.lifecycle.open(uow, new, actor_id=None)

    async def open_from_booking(
        self, uow: UnitOfWork, booking: ServiceBookingRequestedV1
    ) -> WorkOrder:
        """A service a resident booked at a service point in commerce: a maintenance booking
        case (维修预约) of their household, reported by them, the booking's id as its
        external reference (the inbox opens it once per event)."""
        new = NewCase(
            case_type=BOOKING_CASE_TYPE,
            title=booking_title(booking.point_name, booking.service)[0][:200],
            description=booking.service,
            community_id=booking.community_id,
            building_id=booking.building_id,
            household_id=booking.household_id,
            source="booking",
            reporter_id=booking.requested_by,
            external_ref=booking.booking_id,
            details={
                "title_en": booking_title(booking.point_name, booking.service)[1][:200],
                "service_point_id": booking.service_point_id,
                "point_kind": str(booking.point_kind),
                "merchant_id": booking.merchant_id,
                "preferred_at": booking.preferred_at.isoformat(),
            },
        )
        return await self.lifecycle.open(uow, new, actor_id=booking.requested_by)

    async def open_from_complaint(
        self, uow: UnitOfWork, complaint: OrganisationComplaintFiledV1
    ) -> WorkOrder | None:
        """A resident's complaint about an organisation or enterprise, filed in gov-affairs:
        one complaint case (投诉) of their household, reported by them, the complaint's id
        as its external reference (gov-affairs follows the case's state by it)."""
        if await repo.opened_for_ref(uow, COMPLAINT_CASE_TYPE, complaint.complaint_id):
            return None
        title, title_en = complaint_title(complaint.organisation_name)
        new = NewCase(
            case_type=COMPLAINT_CASE_TYPE,
            title=title[:200],
            description=complaint.summary,
            community_id=complaint.community_id,
            building_id=complaint.building_id,
            household_id=complaint.household_id,
            source="organisation",
            reporter_id=complaint.filed_by,
            external_ref=complaint.complaint_id,
            details={
                "title_en": title_en[:200],
                "organisation_id": complaint.organisation_id,
                "organisation_name": complaint.organisation_name,
                "uscc": complaint.uscc,
            },
        )
        return await self.lifecycle.open(uow, new, actor_id=complaint.filed_by)

    async def open_from_shop_flag(self, uow: UnitOfWork, flag: ShopFlaggedV1) -> WorkOrder | None:
        """A shop commerce flagged as a place where people may be living (九小场所住人): one
        shop living check case (商铺住人核查) per flag (its ``flag_id`` as the external
        reference), in the shop's building and so in its grid, for the grid worker; the
        reason in words, zh-CN first."""
        if await repo.opened_for_ref(uow, SHOP_LIVING_CASE_TYPE, flag.flag_id):
            return None
        new = NewCase(
            case_type=SHOP_LIVING_CASE_TYPE,
            title=shop_title(flag.shop_name)[0][:200],
            description=f"{flag.reason_zh}\n{flag.reason_en}",
            community_id=flag.community_id,
            grid_id=await self.places.grid_of(uow, flag.building_id),
            building_id=flag.building_id,
            room_id=flag.room_id,
            place=flag.address,
            source="commerce",
            external_ref=flag.flag_id,
            details={
                "title_en": shop_title(flag.shop_name)[1][:200],
                "shop_id": flag.shop_id,
                "merchant_id": flag.merchant_id,
                "shop_name": flag.shop_name,
                "reason": flag.reason,
                "reason_zh": flag.reason_zh,
                "reason_en": flag.reason_en,
            },
        )
        return await self.lifecycle.open(uow, new, actor_id=None)

    async def alarm_cleared(self, uow: UnitOfWork, alarm: AlarmClearedV1) -> bool:
        """The alarm of a case was cleared: written on the case once (agreement 2)."""
        wo = await repo.lock_by_alarm(uow, alarm.alarm_id)
        if wo is None or wo.alarm_cleared_at is not None:
            return False
        wo.alarm_cleared_at = alarm.cleared_at or now_utc()
        await self.lifecycle.record(
            uow,
            wo,
            "alarm_cleared",
            actor_id=alarm.actor_id,
            step=StepInput(text="alarm cleared"),
        )
        return True

    async def _visible(
        self, uow: UnitOfWork, principal: Principal, work_order_id: uuid.UUID
    ) -> WorkOrder:
        wo = await repo.get(uow, work_order_id)
        if wo is None or not access.can_see(principal, wo):
            raise not_found()
        return wo


def _creator_side(principal: Principal, body: WorkOrderCreate, ct: CaseType) -> str:
    """'app' (a resident for their household) or 'staff'; when neither may open it: 422
    naming the place field that would make it so, else 403."""
    resident_roles = set(ct.creator_roles) & states.RESIDENT_ROLES
    households = principal.scope_ids("household", resident_roles) if resident_roles else set()
    if body.household_id and body.household_id in households:
        return "app"
    staff_roles = set(ct.creator_roles) & states.STAFF_ROLES | {"platform_admin"}
    if in_scope(
        principal,
        community_id=body.community_id,
        grid_id=body.grid_id,
        building_id=body.building_id,
        roles=staff_roles,
    ):
        return "staff"
    if households and not body.household_id:
        raise missing_place("household_id", sorted(households))
    if principal.scope_ids("grid", staff_roles) and not body.building_id:
        raise missing_place("building_id", [])  # a grid worker acts on her grid's buildings
    raise Problem(
        403,
        "workorder.create_forbidden",
        f"You may not open a {ct.name} case in this community or at this place",
        zh=f"您无权在该社区或地点提交“{ct.name_zh}”工单",
        case_type=ct.code,
    )


async def _detail(uow: UnitOfWork, wo: WorkOrder) -> CaseDetail:
    return CaseDetail(wo, await repo.timeline(uow, wo.id), await repo.attachment_ids(uow, wo.id))
