"""Assistive devices (辅助器具): a resident with a registered disability certificate applies
for a device (the certificate number must be the registered one and valid); the welfare desk
approves or refuses it, issues it for good or lends it, and records its return. The
applicant is told each decision in zh-CN and en; every step is on ``gov.welfare.v1``
(programme ``assistive_device``, codes only) and audited."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal

from sqlalchemy import select

from gov_affairs.db.models import AssistiveDeviceRow, DisabilityRecordRow, WelfarePersonRow
from gov_affairs.domain import disability as d
from gov_affairs.domain.approvals.calendar import CHINA
from gov_affairs.domain.certificates import mask_name
from gov_affairs.domain.hall.catalogue import RESIDENT_ROLES
from gov_affairs.usecases.disability_common import (
    certificate_of,
    desk,
    parse,
    refused,
    registered,
)
from gov_affairs.usecases.outbound import tell_accounts
from gov_affairs.usecases.welfare import PLACE_DIRECTORY
from sc_contracts.events import WelfareChangedV1
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.paging import PageParams, fetch_page

PROGRAMME = "assistive_device"
Change = Callable[[AssistiveDeviceRow, date], None]
OPEN = ("applied", "approved", "on_loan")
ACTIONS = {  # the step's action word on gov.welfare.v1
    "approve": "approved",
    "refuse": "refused",
    "issue_grant": "issued",
    "issue_loan": "lent",
    "return": "returned",
}


@dataclass(frozen=True)
class DeviceView:
    row: AssistiveDeviceRow
    holder_masked: str


def device_event(row: AssistiveDeviceRow, action: str, now: datetime) -> WelfareChangedV1:
    return WelfareChangedV1(
        beneficiary_id=str(row.id),
        programme=PROGRAMME,
        community_id=row.community_id,
        grid_id=row.grid_id,
        action=action,
        status=row.status,
        device_type=row.device_type,
        occurred_at=now,
    )


def _not_found() -> Problem:
    return Problem(
        404, "disability.device_not_found", "No such device application", zh="没有这条辅助器具申请"
    )


class AssistiveDevices:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def apply(
        self,
        who: Caller,
        household_id: str | None,
        number: str,
        device_type: str,
        reason: str,
    ) -> DeviceView:
        households = who.principal.scope_ids("household", RESIDENT_ROLES)
        if household_id is None and len(households) == 1:
            household_id = next(iter(households))
        if household_id is None or household_id not in households:
            raise Problem(
                403,
                "disability.household_required",
                "Apply for a household you belong to",
                zh="请为你所在的家庭申请",
            )
        cert = parse(number)
        now = datetime.now(UTC)
        today = now.astimezone(CHINA).date()
        async with self.db.uow() as uow:
            place = await PLACE_DIRECTORY.household(uow, household_id)
            if place is None:
                raise Problem(
                    409,
                    "disability.place_unknown",
                    "Your household's place is not known yet",
                    zh="你家庭的住址尚未登记",
                )
            found = await registered(uow, place.community_id, cert.number[:18])
            if found is None:
                raise Problem(
                    422,
                    "disability.not_registered",
                    "This certificate is not registered in your community; register it at the"
                    " street office (disabled persons' federation) first",
                    zh="本社区尚未登记此残疾人证，请先到街道（残联）登记",
                )
            rec, person = found
            held = certificate_of(person)
            assert held is not None
            try:
                d.check_card(held.number, rec.valid_until, cert.number, today)
            except d.DisabilityError as exc:
                raise refused(exc) from None
            open_one = await uow.session.scalar(
                select(AssistiveDeviceRow.id).where(
                    AssistiveDeviceRow.record_id == rec.id,
                    AssistiveDeviceRow.device_type == device_type,
                    AssistiveDeviceRow.status.in_(OPEN),
                )
            )
            if open_one is not None:
                raise Problem(
                    409,
                    "disability.device_open",
                    "An application for this device is open already",
                    zh="该器具已有未办结的申请",
                    device_id=str(open_one),
                )
            row = AssistiveDeviceRow(
                id=uuid.uuid4(),
                record_id=rec.id,
                community_id=rec.community_id,
                grid_id=rec.grid_id or place.grid_id,
                applicant_id=who.subject,
                device_type=device_type,
                reason=reason,
                status="applied",
                decision_note="",
                applied_at=now,
                updated_at=now,
            )
            uow.session.add(row)
            await uow.session.flush()
            await uow.publish(device_event(row, "applied", now), key=str(row.id))
            await uow.audit(
                who,
                "disability.device_applied",
                "assistive_device",
                str(row.id),
                community_id=row.community_id,
                detail={"device_type": device_type},
            )
            await uow.commit()
            return DeviceView(row, mask_name(person.name))

    async def listed(
        self,
        who: Caller,
        community_id: str | None,
        status: str | None,
        limit: int,
        offset: int,
        cursor: str | None = None,
    ) -> tuple[list[DeviceView], int]:
        """The desk's list of a community, or (``community_id`` None) the caller's own."""
        if community_id is not None:
            desk(who, community_id)
            where = [AssistiveDeviceRow.community_id == community_id]
        else:
            where = [AssistiveDeviceRow.applicant_id == who.subject]
        if status:
            where.append(AssistiveDeviceRow.status == status)
        async with self.db.uow(read_only=True) as uow:  # a read: no BEGIN/COMMIT
            rows, total = await fetch_page(
                uow.session,
                select(AssistiveDeviceRow, WelfarePersonRow.name)
                .join(DisabilityRecordRow, DisabilityRecordRow.id == AssistiveDeviceRow.record_id)
                .join(WelfarePersonRow, WelfarePersonRow.id == DisabilityRecordRow.person_id)
                .where(*where)
                .order_by(AssistiveDeviceRow.applied_at.desc(), AssistiveDeviceRow.id),
                PageParams(limit=limit, offset=offset, cursor=cursor),
                rows=True,
            )
            out = [DeviceView(row, mask_name(name)) for row, name in rows]
            if community_id is not None:
                await uow.audit(
                    who,
                    "disability.devices_read",
                    "assistive_devices",
                    community_id,
                    community_id=community_id,
                    detail={"rows": str(len(out))},
                )
            await uow.commit()
            return out, total

    async def decide(
        self, who: Caller, device_id: uuid.UUID, outcome: Literal["approve", "refuse"], note: str
    ) -> DeviceView:
        if outcome == "refuse" and not note.strip():
            raise Problem(
                422,
                "disability.reason_missing",
                "A refusal says why",
                zh="不予批准须写明理由",
            )

        def change(row: AssistiveDeviceRow, today: date) -> None:
            row.decision_note = note
            row.decided_by = who.subject

        return await self._step(who, device_id, outcome, change)

    async def issue(
        self,
        who: Caller,
        device_id: uuid.UUID,
        mode: d.Mode,
        issued_on: date | None,
        replace_by: date | None,
    ) -> DeviceView:
        def change(row: AssistiveDeviceRow, today: date) -> None:
            day = issued_on or today
            try:
                d.check_dates(day, replace_by, today)
            except d.DisabilityError as exc:
                raise refused(exc) from None
            row.mode = mode
            row.issued_on = day
            row.replace_by = replace_by or d.replacement_due(row.device_type, day)

        return await self._step(who, device_id, f"issue_{mode}", change)

    async def return_(
        self, who: Caller, device_id: uuid.UUID, returned_on: date | None
    ) -> DeviceView:
        def change(row: AssistiveDeviceRow, today: date) -> None:
            day = returned_on or today
            if day > today or (row.issued_on is not None and day < row.issued_on):
                raise Problem(
                    422,
                    "disability.return_date",
                    "A device is returned between its lending and today",
                    zh="归还日期须在出借日期和今天之间",
                )
            row.returned_on = day

        return await self._step(who, device_id, "return", change)

    async def _step(
        self, who: Caller, device_id: uuid.UUID, action: str, change: Change
    ) -> DeviceView:
        now = datetime.now(UTC)
        today = now.astimezone(CHINA).date()
        async with self.db.uow() as uow:
            row = await uow.session.scalar(
                select(AssistiveDeviceRow)
                .where(AssistiveDeviceRow.id == device_id)
                .with_for_update()
            )
            if row is None:
                raise _not_found()
            desk(who, row.community_id)
            try:
                after = d.step(row.status, action)
            except d.DisabilityError as exc:
                raise refused(exc, 409) from None
            change(row, today)
            row.status = after
            row.updated_at = now
            await uow.session.flush()
            await uow.publish(device_event(row, ACTIONS[action], now), key=str(row.id))
            await self._tell(uow, row, action)
            await uow.audit(
                who,
                f"disability.device_{ACTIONS[action]}",
                "assistive_device",
                str(row.id),
                community_id=row.community_id,
                detail={"device_type": row.device_type, "status": row.status},
            )
            await uow.commit()
            name = await uow.session.scalar(
                select(WelfarePersonRow.name)
                .join(DisabilityRecordRow, DisabilityRecordRow.person_id == WelfarePersonRow.id)
                .where(DisabilityRecordRow.id == row.record_id)
            )
            return DeviceView(row, mask_name(name or ""))

    async def _tell(self, uow: UnitOfWork, row: AssistiveDeviceRow, action: str) -> None:
        """The applicant hears each decision in zh-CN and en (once per step)."""
        device = d.device_name(row.device_type)
        variables = {"device": device.zh, "device_en": device.en}
        if action in ("approve", "refuse"):
            template = "gov.device.decided"
            approved = action == "approve"
            variables |= {
                "outcome": "已批准，请等待发放通知" if approved else "未获批准",
                "outcome_en": "approved; you will be told when it is ready"
                if approved
                else "not approved",
                "note": row.decision_note,
            }
        elif action.startswith("issue_"):
            template = "gov.device.issued"
            lent = row.mode == "loan"
            due = row.replace_by.isoformat() if row.replace_by else ""
            variables |= {
                "date": row.issued_on.isoformat() if row.issued_on else "",
                "handed": "出借" if lent else "发放",
                "handed_en": "lent" if lent else "issued",
                "terms": "用完请归还。" if lent else f"建议于{due}前更换。",
                "terms_en": "Please return it when no longer needed."
                if lent
                else f"Due for replacement by {due}.",
            }
        else:
            template = "gov.device.returned"
            variables["date"] = row.returned_on.isoformat() if row.returned_on else ""
        await tell_accounts(
            uow,
            to=[row.applicant_id],
            template=template,
            variables=variables,
            community_id=row.community_id,
            correlation_id=str(row.id),
            once=f"{row.id}:{template}:{row.status}",
        )
