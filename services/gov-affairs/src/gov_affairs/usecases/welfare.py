"""The welfare register (民政): an approved application of a programme's service enrols its
person; the street office records monthly payments (never twice a month), re-examines
records and reads statistics per grid and community. Who a beneficiary is stays encrypted;
lists show names masked, and every list of the register is an audited read."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Literal

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from gov_affairs.db.models import (
    PLACES,
    ApplicationRow,
    BeneficiaryRow,
    PaymentRow,
    ReviewRow,
    WelfarePersonRow,
)
from gov_affairs.domain import defaults
from gov_affairs.domain import welfare as w
from gov_affairs.domain.approvals.calendar import CHINA
from gov_affairs.domain.certificates import mask_name
from gov_affairs.domain.hall.applications import Application
from gov_affairs.domain.text import Text
from gov_affairs.domain.welfare_coverage import Coverage, coverage
from gov_affairs.usecases.outbound import tell_accounts
from gov_affairs.usecases.welfare_population import residents_per_place
from sc_contracts.events import (
    WelfareChangedV1,
)
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.paging import PageParams, fetch_page
from sc_core.places import Places
from sc_core.privacy import get_cipher

PLACE_DIRECTORY = Places(PLACES)

PROGRAMMES = {p.code: p for p in defaults.PROGRAMMES}
BY_SERVICE = {p.service_item: p for p in defaults.PROGRAMMES if p.service_item}
OFFICE_ROLES = frozenset({"gov_officer", "community_admin", "platform_admin"})
# what a re-examination's outcome is called on the topic and in words
REVIEW_ACTIONS = {
    "continue": "reviewed",
    "adjust": "adjusted",
    "suspend": "suspended",
    "end": "ended",
}
OUTCOME_WORDS = {
    "continue": Text(zh="继续享受", en="continues unchanged"),
    "adjust": Text(zh="调整金额", en="amount adjusted"),
    "suspend": Text(zh="暂停发放", en="suspended"),
    "end": Text(zh="终止", en="ended"),
}


def _yuan(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount:.2f}"


def welfare_event(
    row: BeneficiaryRow,
    action: str,
    now: datetime,
    *,
    month: str | None = None,
    amount: Decimal | None = None,
) -> WelfareChangedV1:
    """The register's step on ``gov.welfare.v1``: ids, codes and amounts, never the person."""
    return WelfareChangedV1(
        beneficiary_id=str(row.id),
        programme=row.programme,
        community_id=row.community_id,
        grid_id=row.grid_id,
        action=action,
        status=row.status,
        monthly_amount=_yuan(row.monthly_amount),
        month=month,
        amount=_yuan(amount),
        occurred_at=now,
    )


@dataclass(frozen=True)
class Listed:
    id: uuid.UUID
    programme: str
    name_masked: str
    status: str
    since: date
    monthly_amount: Decimal | None
    grid_id: str | None
    next_review_on: date | None = None


class Welfare:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def community_of(self, who: Caller, community_id: str | None) -> str:
        """``community_id``, or the one community the caller's office grants lead to
        (issue 19: 422 ``place.ambiguous`` naming the field when several)."""
        if community_id:
            return community_id
        async with self.db.uow(read_only=True) as uow:
            return await PLACE_DIRECTORY.default_community(
                uow, who.principal, None, roles=OFFICE_ROLES
            )

    async def enrol_from(
        self,
        uow: UnitOfWork,
        item_code: str,
        app: Application,
        facts: dict[str, object],
        *,
        community_id: str,
        grid_id: str | None,
        building_id: str | None,
        application_id: uuid.UUID,
        today: date,
    ) -> BeneficiaryRow | None:
        """Inside the approving unit of work: the person enters the register under the
        programme of the service, unless they already hold an open record of it. Facts
        that no longer meet the rules at the approval (a 残疾人证 re-assessed below the
        programme's grades meanwhile) refuse the approval in words (409
        ``welfare.no_longer_eligible``): the signer rejects it with the reason instead of
        approving what enrols nobody."""
        programme = BY_SERVICE.get(item_code)
        number = app.data.get("id_number")
        if programme is None or not isinstance(number, str):
            return None
        assessment = w.assess(programme, facts)
        if assessment.eligible is False:
            raise Problem(
                409,
                "welfare.no_longer_eligible",
                "The applicant no longer meets the programme's rules ("
                + "; ".join(r.en for r in assessment.reasons)
                + "): reject the application with the reason",
                zh="申请人已不符合条件（"
                + "；".join(r.zh for r in assessment.reasons)
                + "），请驳回申请并说明理由",
                reasons=[r.model_dump() for r in assessment.reasons],
            )
        if assessment.eligible is not True:
            return None
        person = await self._person(uow, community_id, app, number)
        record = w.enrol(
            programme,
            assessment,
            person_ref=str(person.id),
            community_id=community_id,
            grid_id=grid_id,
            since=today,
        )
        values = {
            "id": uuid.uuid4(),
            "person_id": person.id,
            "programme": programme.code,
            "application_id": application_id,
            "community_id": community_id,
            "grid_id": grid_id,
            "building_id": building_id,
            "status": record.status,
            "since": record.since,
            "monthly_amount": record.monthly_amount,
            "next_review_on": record.next_review_on,
        }
        stmt = (
            insert(BeneficiaryRow)
            .values(**values)
            .on_conflict_do_nothing()
            .returning(BeneficiaryRow.id)
        )
        created = await uow.session.scalar(stmt)
        row = await uow.session.get(BeneficiaryRow, created) if created else None
        if row is None:
            return None
        now = datetime.now(UTC)
        await uow.publish(welfare_event(row, "enrolled", now), key=str(row.id))
        for payment in record.payments:  # a one-off programme pays once, at enrolment
            await uow.session.execute(
                insert(PaymentRow)
                .values(beneficiary_id=row.id, month=payment.month, amount=payment.amount)
                .on_conflict_do_nothing()
            )
            await uow.publish(
                welfare_event(row, "paid", now, month=payment.month, amount=payment.amount),
                key=str(row.id),
            )
        return row

    async def _person(
        self, uow: UnitOfWork, community_id: str, app: Application, number: str
    ) -> WelfarePersonRow:
        idx = get_cipher().blind_index(number, "id_number")
        found = await uow.session.scalar(
            select(WelfarePersonRow).where(
                WelfarePersonRow.community_id == community_id, WelfarePersonRow.id_number_idx == idx
            )
        )
        if found is not None:
            return found
        person = WelfarePersonRow(
            id=uuid.uuid4(),
            community_id=community_id,
            name=str(app.data.get("name", "")),
            id_number=number,
            id_number_idx=idx,
            phone=str(app.data["phone"]) if isinstance(app.data.get("phone"), str) else None,
        )
        uow.session.add(person)
        await uow.session.flush()
        return person

    # the street office --------------------------------------------------------------
    def _office(self, who: Caller, community_id: str) -> None:
        p = who.principal
        if not (p.is_platform_admin or community_id in p.scope_ids("community", OFFICE_ROLES)):
            raise Problem(
                403,
                "auth.out_of_scope",
                "The welfare register of this community is not yours",
                zh="你无权查看此社区的救助名册",
            )

    async def register(
        self,
        who: Caller,
        community_id: str,
        programme: str | None,
        limit: int,
        offset: int,
        cursor: str | None = None,
    ) -> tuple[list[Listed], int]:
        self._office(who, community_id)
        async with self.db.uow(read_only=True) as uow:  # a read: no BEGIN/COMMIT
            where = [BeneficiaryRow.community_id == community_id]
            if programme:
                where.append(BeneficiaryRow.programme == programme)
            rows, total = await fetch_page(
                uow.session,
                select(BeneficiaryRow, WelfarePersonRow.name)
                .join(WelfarePersonRow, WelfarePersonRow.id == BeneficiaryRow.person_id)
                .where(*where)
                .order_by(BeneficiaryRow.since.desc(), BeneficiaryRow.id),
                PageParams(limit=limit, offset=offset, cursor=cursor),
                rows=True,
            )
            out = [
                Listed(
                    b.id,
                    b.programme,
                    mask_name(name),
                    b.status,
                    b.since,
                    b.monthly_amount,
                    b.grid_id,
                    b.next_review_on,
                )
                for b, name in rows
            ]
            await uow.audit(
                who,
                "welfare.register_read",
                "welfare_register",
                community_id,
                community_id=community_id,
                detail={"rows": str(len(out))},
            )
            await uow.commit()
            return out, total

    async def reviews_due(
        self,
        who: Caller,
        community_id: str,
        on: date | None,
        limit: int,
        offset: int,
        cursor: str | None = None,
    ) -> tuple[list[Listed], int]:
        """Records whose re-examination (复核) falls due by ``on`` (today in China), the
        earliest first; names masked, the read audited."""
        self._office(who, community_id)
        day = on or datetime.now(CHINA).date()
        async with self.db.uow(read_only=True) as uow:  # a read: no BEGIN/COMMIT
            where = [
                BeneficiaryRow.community_id == community_id,
                BeneficiaryRow.status != "ended",
                BeneficiaryRow.next_review_on <= day,
            ]
            rows, total = await fetch_page(
                uow.session,
                select(BeneficiaryRow, WelfarePersonRow.name)
                .join(WelfarePersonRow, WelfarePersonRow.id == BeneficiaryRow.person_id)
                .where(*where)
                .order_by(BeneficiaryRow.next_review_on, BeneficiaryRow.id),
                PageParams(limit=limit, offset=offset, cursor=cursor),
                rows=True,
            )
            out = [
                Listed(
                    b.id,
                    b.programme,
                    mask_name(name),
                    b.status,
                    b.since,
                    b.monthly_amount,
                    b.grid_id,
                    b.next_review_on,
                )
                for b, name in rows
            ]
            await uow.audit(
                who,
                "welfare.reviews_due_read",
                "welfare_register",
                community_id,
                community_id=community_id,
                detail={"rows": str(len(out)), "on": day.isoformat()},
            )
            await uow.commit()
            return out, total

    async def review(
        self,
        who: Caller,
        beneficiary_id: uuid.UUID,
        outcome: w.ReviewOutcome,
        note: str,
        monthly_amount: Decimal | None,
    ) -> Listed:
        """Record a re-examination: continue, adjust the amount, suspend or end. The record's
        next review is scheduled, the step published on ``gov.welfare.v1``, the applicant
        told in words, and the whole audited."""
        now = datetime.now(UTC)
        today = now.astimezone(CHINA).date()
        async with self.db.uow() as uow:
            found = await uow.session.execute(
                select(BeneficiaryRow, WelfarePersonRow.name)
                .join(WelfarePersonRow, WelfarePersonRow.id == BeneficiaryRow.person_id)
                .where(BeneficiaryRow.id == beneficiary_id)
                .with_for_update(of=BeneficiaryRow)
            )
            pair = found.first()
            if pair is None:
                raise Problem(
                    404, "welfare.not_found", "No such welfare record", zh="没有这条救助记录"
                )
            row, name = pair
            self._office(who, row.community_id)
            programme = PROGRAMMES.get(row.programme)
            if programme is None:
                raise Problem(
                    409,
                    "welfare.programme_unknown",
                    "The record's programme is no longer offered",
                    zh="该记录的救助项目已不再提供",
                )
            try:
                after = w.review(
                    _domain(row),
                    programme,
                    on=today,
                    by=who.subject,
                    outcome=outcome,
                    note=note,
                    monthly_amount=monthly_amount,
                )
            except w.WelfareError as exc:
                status = 422 if exc.code == "welfare.amount_missing" else 409
                raise Problem(status, exc.code, exc.message, zh=exc.zh) from None
            row.status = after.status
            row.monthly_amount = after.monthly_amount
            row.next_review_on = after.next_review_on
            uow.session.add(
                ReviewRow(
                    beneficiary_id=row.id,
                    on=today,
                    by=who.subject,
                    outcome=outcome,
                    note=note,
                    monthly_amount=after.monthly_amount if outcome == "adjust" else None,
                )
            )
            await uow.session.flush()
            await uow.publish(welfare_event(row, REVIEW_ACTIONS[outcome], now), key=str(row.id))
            await self._tell_applicant(uow, row, programme, outcome)
            await uow.audit(
                who,
                "welfare.reviewed",
                "welfare_record",
                str(row.id),
                community_id=row.community_id,
                detail={"outcome": outcome, "status": row.status},
            )
            await uow.commit()
            return Listed(
                row.id,
                row.programme,
                mask_name(name),
                row.status,
                row.since,
                row.monthly_amount,
                row.grid_id,
                row.next_review_on,
            )

    async def _tell_applicant(
        self, uow: UnitOfWork, row: BeneficiaryRow, programme: w.Programme, outcome: str
    ) -> None:
        """The account that applied hears the outcome (the register keeps no account of the
        person themself); a record entered without an application tells nobody."""
        if row.application_id is None:
            return
        applicant = await uow.session.scalar(
            select(ApplicationRow.applicant_id).where(ApplicationRow.id == row.application_id)
        )
        if not applicant:
            return
        words = OUTCOME_WORDS[outcome]
        amount = _yuan(row.monthly_amount) if row.status == "active" else None
        variables = {
            "programme": programme.name.zh,
            "programme_en": programme.name.en,
            "outcome": words.zh,
            "outcome_en": words.en,
            "amount": f"每月{amount}元。" if amount else "",
            "amount_en": f"{amount} yuan a month." if amount else "",
        }
        template = "gov.welfare.reviewed"
        await tell_accounts(
            uow,
            to=[applicant],
            template=template,
            variables=variables,
            community_id=row.community_id,
            correlation_id=str(row.id),
            once=f"{row.id}:{template}:{row.next_review_on}:{row.status}",
        )

    async def record_payments(self, who: Caller, community_id: str, month: str) -> int:
        """Every payment ``month`` owes, recorded once (a second run records nothing)."""
        self._office(who, community_id)
        async with self.db.uow() as uow:
            rows = await uow.session.scalars(
                select(BeneficiaryRow).where(
                    BeneficiaryRow.community_id == community_id, BeneficiaryRow.status == "active"
                )
            )
            made = 0
            for b in rows:
                due = w.payments_due(_domain(b), month)
                if due is None:
                    continue
                stmt = insert(PaymentRow).values(
                    beneficiary_id=b.id, month=month, amount=due.amount
                )
                result = await uow.session.execute(stmt.on_conflict_do_nothing())
                if result.rowcount:
                    made += result.rowcount
                    await uow.publish(
                        welfare_event(b, "paid", datetime.now(UTC), month=month, amount=due.amount),
                        key=str(b.id),
                    )
            await uow.audit(
                who,
                "welfare.payments",
                "welfare_register",
                community_id,
                community_id=community_id,
                detail={"month": month, "recorded": str(made)},
            )
            await uow.commit()
            return made

    async def statistics(
        self, who: Caller, community_id: str, by: Literal["grid", "community"], month: str
    ) -> list[tuple[w.Stat, Coverage]]:
        """Each row with its place's registered population and coverage (ADR 0059)."""
        self._office(who, community_id)
        async with self.db.uow(read_only=True) as uow:
            rows = list(
                await uow.session.scalars(
                    select(BeneficiaryRow).where(BeneficiaryRow.community_id == community_id)
                )
            )
            paid = await uow.session.execute(
                select(PaymentRow.beneficiary_id, PaymentRow.amount).where(
                    PaymentRow.month == month
                )
            )
            payments: dict[uuid.UUID, Decimal] = {bid: amount for bid, amount in paid}
            records = []
            for b in rows:
                record = _domain(b)
                if b.id in payments:
                    record.payments.append(w.Payment(month=month, amount=payments[b.id]))
                records.append(record)
            people = await residents_per_place(uow, community_id, by)
            return [
                (s, coverage(s.active, people.get(s.place_id, 0)))
                for s in w.statistics(records, by=by, month=month)
            ]


def _domain(b: BeneficiaryRow) -> w.Beneficiary:
    return w.Beneficiary.model_validate(
        {
            "programme": b.programme,
            "person_ref": str(b.person_id),
            "community_id": b.community_id,
            "grid_id": b.grid_id,
            "status": b.status,
            "since": b.since,
            "monthly_amount": b.monthly_amount,
            "next_review_on": b.next_review_on,
        }
    )
