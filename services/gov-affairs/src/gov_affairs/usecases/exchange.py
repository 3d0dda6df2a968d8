"""Outbound exchange (ADR 0036): each active agreement's datasets, built from the facts
gov-affairs keeps, desensitised to the agreement (``domain.exchange.records``), pushed on
``exchange.<dataset>.v1`` or pulled over HTTPS, and every exchange recorded and audited.

The sweep pushes once per agreement, dataset and period, across restarts and replicas,
as evaluation's month-end sweep does: the record's row (``push_key`` unique) is inserted in
the unit of work that writes the event to the outbox. A replica trying the same period
waits on the first one's row and then finds it (nothing done); one that failed rolled its
row back, so the next sweep tries again. The period is the last one that has ended
(yesterday, last month; Beijing time) by the injected clock.

A pull of a period already pushed answers the pushed record itself (same bytes, same hash);
otherwise the record is built then. Either way the pull is recorded too.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.dialects.postgresql import insert

from gov_affairs.db.exchange import ExchangeAgreementRow, ExchangeRecordRow
from gov_affairs.domain.exchange.agreements import (
    DATASETS,
    GRADE_WORDS,
    Aggregation,
    Dataset,
    Frequency,
)
from gov_affairs.domain.exchange.periods import Period, due, local_day, parse
from gov_affairs.domain.exchange.records import (
    Terms,
    content_hash,
    counts,
    houses,
    population,
    record,
    rows_of,
)
from gov_affairs.usecases import exchange_facts as facts
from gov_affairs.usecases.exchange_agreements import Agreements, active, field_problem
from sc_contracts.events import EventData
from sc_core.api import PageParams, fetch_page
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Forbidden, Problem


def _terms(row: ExchangeAgreementRow, dataset: Dataset) -> Terms:
    listed = next(d["fields"] for d in row.datasets if d["dataset"] == dataset.value)
    spec = DATASETS[dataset]
    grade = max(f.grade for f in spec.figures if f.name in listed)
    return Terms(
        agreement_id=str(row.id),
        recipient=row.recipient_code,
        dataset=dataset,
        fields=tuple(listed),
        aggregation=Aggregation(row.aggregation),
        grade=GRADE_WORDS[grade][1],
    )


async def build(
    uow: UnitOfWork, row: ExchangeAgreementRow, dataset: Dataset, period: Period, at: datetime
) -> EventData:
    """The dataset's record for this agreement and period, as it leaves."""
    terms = _terms(row, dataset)
    if dataset in (Dataset.POPULATION, Dataset.HOUSES):
        homes = await facts.households(uow, row.communities)
        people = await facts.residents(uow, row.communities)
        count = population if dataset == Dataset.POPULATION else houses
        rows = count(homes, people, terms.aggregation)
    else:
        found = await facts.counted(uow, dataset, row.communities, period)
        rows = counts(found, dataset, terms.fields)
    return record(terms, period, rows, at, await facts.divisions(uow, row.communities))


def _record_row(
    row: ExchangeAgreementRow,
    dataset: Dataset,
    period: Period,
    content: dict[str, Any],
    channel: str,
    at: datetime,
) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "agreement_id": row.id,
        "recipient_code": row.recipient_code,
        "recipient_name": row.recipient_name,
        "dataset": dataset.value,
        "period": period.key,
        "channel": channel,
        "record_count": rows_of(content),
        "content_sha256": content_hash(content),
        "content": content,
        "push_key": f"{row.id}:{dataset.value}:{period.key}" if channel == "push" else None,
        "created_at": at,
    }


def _detail(values: dict[str, Any]) -> dict[str, str]:
    return {
        "recipient": values["recipient_code"],
        "dataset": values["dataset"],
        "period": values["period"],
        "records": str(values["record_count"]),
        "sha256": values["content_sha256"],
    }


class Exchanges:
    def __init__(
        self,
        db: Database,
        agreements: Agreements,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.db = db
        self.agreements = agreements
        self.clock = clock or (lambda: datetime.now(UTC))

    # pushing ---------------------------------------------------------------------------
    async def sweep(self, now: datetime | None = None) -> list[str]:
        """Push the last ended period of every active agreement's datasets not pushed yet;
        the push keys this run sent."""
        now = now or self.clock()
        today = local_day(now)
        async with self.db.uow(read_only=True) as uow:
            rows = list(
                await uow.session.scalars(
                    select(ExchangeAgreementRow)
                    .where(ExchangeAgreementRow.valid_from <= today)
                    .order_by(ExchangeAgreementRow.created_at, ExchangeAgreementRow.id)
                )
            )
        done = []
        for row in rows:
            period = due(now, Frequency(row.frequency))
            if not period.covered_by(row.valid_from, row.valid_to):
                continue
            for terms in row.datasets:
                key = await self._push(row, Dataset(terms["dataset"]), period, now)
                if key is not None:
                    done.append(key)
        return done

    async def _push(
        self, row: ExchangeAgreementRow, dataset: Dataset, period: Period, now: datetime
    ) -> str | None:
        key = f"{row.id}:{dataset.value}:{period.key}"
        async with self.db.uow() as uow:
            pushed = await uow.session.scalar(
                select(ExchangeRecordRow.id).where(ExchangeRecordRow.push_key == key)
            )
            if pushed is not None:
                return None
            model = await build(uow, row, dataset, period, now)
            values = _record_row(row, dataset, period, model.model_dump(mode="json"), "push", now)
            claimed = await uow.session.scalar(
                insert(ExchangeRecordRow)
                .values(**values)
                .on_conflict_do_nothing(index_elements=["push_key"])
                .returning(ExchangeRecordRow.id)
            )
            if claimed is None:
                return None  # another replica pushed it meanwhile
            await uow.publish(model, key=row.recipient_code)
            await uow.audit(
                None, "exchange.push", "exchange_record", str(claimed), detail=_detail(values)
            )
            await uow.commit()
        return key

    # pulling ---------------------------------------------------------------------------
    async def pull(
        self, who: Caller, dataset: Dataset, period_key: str, now: datetime | None = None
    ) -> dict[str, Any]:
        """The record of ``dataset`` for the period, for the client an agreement names."""
        now = now or self.clock()
        today = local_day(now)
        async with self.db.uow() as uow:
            candidates = await uow.session.scalars(
                select(ExchangeAgreementRow)
                .where(
                    ExchangeAgreementRow.client_id == who.subject,
                    ExchangeAgreementRow.datasets.contains([{"dataset": dataset.value}]),
                )
                .order_by(ExchangeAgreementRow.created_at.desc(), ExchangeAgreementRow.id)
            )
            row = next((r for r in candidates if active(r, today)), None)
            if row is None:
                raise Forbidden(
                    "exchange.no_agreement",
                    "No active exchange agreement gives you this dataset",
                    zh="没有有效的数据交换协议允许您获取该数据集",
                )
            period = parse(period_key, Frequency(row.frequency))
            if period is None:
                zh, en = (
                    ("应为日期，例如 2026-12-03", "Expected a day, e.g. 2026-12-03")
                    if row.frequency == Frequency.DAILY
                    else ("应为月份，例如 2026-11", "Expected a month, e.g. 2026-11")
                )
                raise field_problem([("period", zh, en, "value_error")])
            if period.end > now:
                raise Problem(
                    422,
                    "exchange.period_not_over",
                    "The period has not ended yet",
                    zh="该周期尚未结束，暂不能获取",
                )
            if not period.covered_by(row.valid_from, row.valid_to):
                raise Problem(
                    422,
                    "exchange.period_not_covered",
                    "The agreement does not cover this period",
                    zh="协议的有效期不包含该周期",
                )
            pushed = await uow.session.scalar(
                select(ExchangeRecordRow.content).where(
                    ExchangeRecordRow.push_key == f"{row.id}:{dataset.value}:{period.key}"
                )
            )
            if pushed is not None:
                content: dict[str, Any] = pushed
            else:
                content = (await build(uow, row, dataset, period, now)).model_dump(mode="json")
            values = _record_row(row, dataset, period, content, "pull", now)
            await uow.session.execute(insert(ExchangeRecordRow).values(**values))
            await uow.audit(
                who, "exchange.pull", "exchange_record", str(values["id"]), detail=_detail(values)
            )
            await uow.commit()
        return content

    # the record of exchanges ---------------------------------------------------------------
    async def records(
        self,
        who: Caller,
        paging: PageParams,
        *,
        agreement_id: uuid.UUID | None = None,
        dataset: Dataset | None = None,
    ) -> tuple[list[ExchangeRecordRow], int]:
        visible = select(ExchangeAgreementRow.id).where(self.agreements.visible(who.principal))
        query: Select[Any] = select(ExchangeRecordRow).where(
            ExchangeRecordRow.agreement_id.in_(visible)
        )
        if agreement_id is not None:
            query = query.where(ExchangeRecordRow.agreement_id == agreement_id)
        if dataset is not None:
            query = query.where(ExchangeRecordRow.dataset == dataset.value)
        query = query.order_by(ExchangeRecordRow.created_at.desc(), ExchangeRecordRow.id.desc())
        async with self.db.uow(read_only=True) as uow:
            return await fetch_page(uow.session, query, paging)
