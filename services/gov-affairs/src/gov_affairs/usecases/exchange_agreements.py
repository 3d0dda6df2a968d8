"""Exchange agreements (ADR 0036): a platform admin or a gov officer of the communities
covered writes them; auditors, admins and those officers read them; every write audited.

``acl_agreement`` turns the active agreements that name a Kafka principal into the
document ``python -m sc_contracts acls plan|apply --agreement`` takes: each principal may
read the exchange topics of its datasets and, when its agreement names a client (a sender
of tasks), read exchange.task-outcomes.v1 and write the inbound exchange.city-tasks.v1
(ADR 0042), and nothing else.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, false, or_, select, true
from sqlalchemy.dialects.postgresql import array

from gov_affairs.api.exchange_schemas import AgreementCreate
from gov_affairs.db.exchange import ExchangeAgreementRow
from gov_affairs.domain.exchange.agreements import Aggregation, Dataset, GradeName, check
from gov_affairs.domain.exchange.periods import local_day
from gov_affairs.domain.exchange.records import MODELS
from sc_contracts import acls
from sc_contracts.events import CityTaskIssuedV1, CityTaskOutcomeV1
from sc_core.api import PageParams, fetch_page
from sc_core.auth import Caller, Principal
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Forbidden, NotFound, Problem

MANAGERS = frozenset({"platform_admin", "gov_officer"})
READERS = MANAGERS | {"auditor"}


def topic_of(dataset: str) -> str:
    """The catalogue's topic of a dataset's records (what the ACLs name)."""
    return MODELS[Dataset(dataset)].topic


def active(row: ExchangeAgreementRow, today: date) -> bool:
    return row.valid_from <= today and (row.valid_to is None or today <= row.valid_to)


def _communities(p: Principal, roles: frozenset[str]) -> frozenset[str] | None:
    """The communities the caller acts on in ``roles``; None: platform-wide."""
    if p.is_platform_wide(roles):
        return None
    return p.scope_ids("community", roles)


def _forbidden() -> Forbidden:
    return Forbidden(
        "auth.out_of_scope",
        "The agreement covers communities outside those you may act on",
        zh="该协议涉及您无权管理的社区",
    )


def _not_found() -> NotFound:
    return NotFound(
        "exchange.agreement_not_found",
        "No such exchange agreement",
        zh="找不到该数据交换协议",
    )


def field_problem(issues: Iterable[tuple[str, str, str, str]]) -> Problem:
    """422 ``request.validation_failed`` with each field's error in both languages."""
    return Problem(
        422,
        "request.validation_failed",
        "The request has invalid fields",
        zh="请求中有填写不正确的内容",
        errors=[
            {
                "field": f"body.{field}",
                "message": zh,
                "messages": {"zh-CN": zh, "en": en},
                "type": kind,
            }
            for field, zh, en, kind in issues
        ],
    )


class Agreements:
    def __init__(self, db: Database, ceiling: GradeName) -> None:
        self.db = db
        self.ceiling = ceiling

    def visible(self, p: Principal) -> ColumnElement[bool]:
        """The agreements ``p`` may read: all, or those covering one of their communities."""
        mine = _communities(p, READERS)
        if mine is None:
            return true()
        if not mine:
            return false()
        return ExchangeAgreementRow.communities.has_any(array(sorted(mine)))

    async def create(self, who: Caller, body: AgreementCreate) -> ExchangeAgreementRow:
        mine = _communities(who.principal, MANAGERS)
        if mine is not None and not set(body.communities) <= mine:
            raise _forbidden()
        issues, refused = check(
            [(d.dataset.value, d.fields) for d in body.datasets],
            body.max_grade.grade,
            body.aggregation,
            self.ceiling.grade,
        )
        if issues:
            raise field_problem((i.field, i.zh, i.en, i.type) for i in issues)
        if refused is not None:
            raise Problem(422, refused.code, refused.en, zh=refused.zh)
        row = ExchangeAgreementRow(
            id=uuid.uuid4(),
            recipient_code=body.recipient.code,
            recipient_name=body.recipient.name,
            recipient_kind=body.recipient.kind.value,
            kafka_principal=body.recipient.kafka_principal,
            client_id=body.recipient.client_id,
            datasets=[d.model_dump(mode="json") for d in body.datasets],
            max_grade=body.max_grade.value,
            aggregation=body.aggregation.value,
            frequency=body.frequency.value,
            communities=sorted(set(body.communities)),
            valid_from=body.valid_from,
            valid_to=body.valid_to,
            created_by=who.subject,
            created_at=datetime.now(UTC),
        )
        async with self.db.uow() as uow:
            uow.session.add(row)
            await uow.session.flush()
            await uow.audit(
                who,
                "exchange_agreement.create",
                "exchange_agreement",
                str(row.id),
                detail={
                    "recipient": row.recipient_code,
                    "datasets": ",".join(d.dataset.value for d in body.datasets),
                    "grade": row.max_grade,
                    "aggregation": row.aggregation,
                },
            )
            await uow.commit()
        return row

    async def page(self, who: Caller, paging: PageParams) -> tuple[list[ExchangeAgreementRow], int]:
        query: Select[Any] = (
            select(ExchangeAgreementRow)
            .where(self.visible(who.principal))
            .order_by(ExchangeAgreementRow.created_at.desc(), ExchangeAgreementRow.id)
        )
        async with self.db.uow(read_only=True) as uow:
            return await fetch_page(uow.session, query, paging)

    async def _readable(self, uow: UnitOfWork, who: Caller, agreement_id: uuid.UUID) -> Any:
        row = await uow.session.scalar(
            select(ExchangeAgreementRow).where(
                ExchangeAgreementRow.id == agreement_id, self.visible(who.principal)
            )
        )
        if row is None:
            raise _not_found()
        return row

    async def get(self, who: Caller, agreement_id: uuid.UUID) -> ExchangeAgreementRow:
        async with self.db.uow(read_only=True) as uow:
            found: ExchangeAgreementRow = await self._readable(uow, who, agreement_id)
            return found

    async def end(self, who: Caller, agreement_id: uuid.UUID) -> ExchangeAgreementRow:
        """End it today: nothing more is pushed or pulled under it after today."""
        async with self.db.uow() as uow:
            row: ExchangeAgreementRow = await self._readable(uow, who, agreement_id)
            mine = _communities(who.principal, MANAGERS)
            if mine is not None and not set(row.communities) <= mine:
                raise _forbidden()
            today = local_day(datetime.now(UTC))
            if row.valid_to is None or row.valid_to > today:
                # one not started yet never starts
                row.valid_to = (
                    today if row.valid_from <= today else row.valid_from - timedelta(days=1)
                )
                row.ended_by = who.subject
            await uow.audit(who, "exchange_agreement.end", "exchange_agreement", str(row.id))
            await uow.commit()
            return row

    async def acl_agreement(self, who: Caller) -> dict[str, Any]:
        """The ``sc_contracts acls`` agreement of today's active agreements (checked by its
        own model: a principal once, topics the catalogue marks external)."""
        if _communities(who.principal, frozenset({"platform_admin", "auditor"})) is not None:
            raise Forbidden(
                "auth.forbidden",
                "Only a platform-wide admin or auditor reads the Kafka ACLs",
                zh="只有全平台的管理员或审计员可以查看 Kafka 访问控制",
            )
        today = local_day(datetime.now(UTC))
        async with self.db.uow(read_only=True) as uow:
            rows = list(
                await uow.session.scalars(
                    select(ExchangeAgreementRow)
                    .where(
                        ExchangeAgreementRow.kafka_principal.is_not(None),
                        ExchangeAgreementRow.valid_from <= today,
                        or_(
                            ExchangeAgreementRow.valid_to.is_(None),
                            ExchangeAgreementRow.valid_to >= today,
                        ),
                    )
                    .order_by(ExchangeAgreementRow.created_at, ExchangeAgreementRow.id)
                )
            )
        return plan_document(rows)


def plan_document(rows: Iterable[ExchangeAgreementRow]) -> dict[str, Any]:
    by_principal: dict[str, tuple[list[str], set[str], set[str]]] = {}
    for row in rows:
        if row.kafka_principal is None:
            continue
        names, topics, writes = by_principal.setdefault(row.kafka_principal, ([], set(), set()))
        label = f"{row.recipient_name} ({row.recipient_code})"
        if label not in names:
            names.append(label)
        topics.update(topic_of(d["dataset"]) for d in row.datasets)
        if row.client_id is not None:  # a sender of tasks, over Kafka too (ADR 0042)
            writes.add(CityTaskIssuedV1.topic)
            topics.add(CityTaskOutcomeV1.topic)  # and what became of them
    document = {
        "integrators": [
            {
                "principal": principal,
                "name": "; ".join(names),
                "topics": sorted(topics),
                "writes": sorted(writes),
            }
            for principal, (names, topics, writes) in sorted(by_principal.items())
        ]
    }
    return acls.Agreement.model_validate(document).model_dump(mode="json", exclude={"platform"})


def aggregation_of(row: ExchangeAgreementRow) -> Aggregation:
    return Aggregation(row.aggregation)
