"""Exchange with city and district platforms (5.2, 6.7.1 b; ADR 0036): agreements as
data, the HTTPS pull of a dataset for a recipient's client, the record of every exchange,
and the Kafka ACL document the agreements mean."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from gov_affairs.api.deps import AgreementsDep, ExchangesDep
from gov_affairs.api.exchange_schemas import (
    AclAgreement,
    AgreementCreate,
    AgreementRead,
    DatasetRecord,
    DatasetTerms,
    Recipient,
    RecordRead,
)
from gov_affairs.db.exchange import ExchangeAgreementRow, ExchangeRecordRow
from gov_affairs.domain.exchange.agreements import AGGREGATION_WORDS, DATASETS, Aggregation, Dataset
from gov_affairs.domain.exchange.periods import local_day
from gov_affairs.domain.text import Text
from gov_affairs.usecases.exchange_agreements import MANAGERS, READERS, active, topic_of
from sc_core.api import Page, Paging
from sc_core.auth import Caller, CurrentCaller, callers

router = APIRouter(prefix="/api/v1/exchange", tags=["exchange"])

Manager = Annotated[Caller, Depends(callers(*sorted(MANAGERS)))]
Reader = Annotated[Caller, Depends(callers(*sorted(READERS)))]


def agreement_read(row: ExchangeAgreementRow) -> AgreementRead:
    datasets = [DatasetTerms.model_validate(d) for d in row.datasets]
    names_zh = "、".join(DATASETS[d.dataset].zh for d in datasets)
    names_en = ", ".join(DATASETS[d.dataset].en for d in datasets)
    a_zh, a_en = AGGREGATION_WORDS[Aggregation(row.aggregation)]
    every = {"daily": ("每日", "daily"), "monthly": ("每月", "monthly")}[row.frequency]
    return AgreementRead(
        id=row.id,
        recipient=Recipient(
            code=row.recipient_code,
            name=row.recipient_name,
            kind=row.recipient_kind,  # type: ignore[arg-type]
            kafka_principal=row.kafka_principal,
            client_id=row.client_id,
        ),
        datasets=datasets,
        max_grade=row.max_grade,  # type: ignore[arg-type]
        aggregation=row.aggregation,  # type: ignore[arg-type]
        frequency=row.frequency,  # type: ignore[arg-type]
        communities=row.communities,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        active=active(row, local_day(datetime.now(UTC))),
        topics=sorted({topic_of(d.dataset.value) for d in datasets}),
        summary=Text(
            zh=f"{every[0]}向{row.recipient_name}{a_zh}提供{names_zh}（{len(row.communities)}个社区）",
            en=f"{names_en} {a_en}, {every[1]}, to {row.recipient_name} "
            f"({len(row.communities)} communities)",
        ),
        created_by=row.created_by,
        created_at=row.created_at,
    )


def record_read(row: ExchangeRecordRow) -> RecordRead:
    return RecordRead(
        id=row.id,
        agreement_id=row.agreement_id,
        recipient=row.recipient_code,
        recipient_name=row.recipient_name,
        dataset=row.dataset,
        period=row.period,
        channel=row.channel,
        record_count=row.record_count,
        content_sha256=row.content_sha256,
        created_at=row.created_at,
    )


@router.post("/agreements", status_code=201, summary="Make an exchange agreement")
async def create_agreement(
    body: AgreementCreate, who: Manager, agreements: AgreementsDep
) -> AgreementRead:
    """platform_admin, or a gov_officer of every community it covers. 422 with a field
    error for an unknown figure or one above the agreement's grade; 422
    ``exchange.grade_not_allowed`` above the platform's ceiling,
    ``exchange.aggregation_not_offered`` per person or household."""
    return agreement_read(await agreements.create(who, body))


@router.get("/agreements", summary="Exchange agreements, the newest first")
async def list_agreements(
    who: Reader, agreements: AgreementsDep, paging: Paging
) -> Page[AgreementRead]:
    rows, total = await agreements.page(who, paging)
    return Page.of([agreement_read(r) for r in rows], total, paging)


@router.get("/agreements/{agreement_id}", summary="One exchange agreement")
async def get_agreement(
    agreement_id: uuid.UUID, who: Reader, agreements: AgreementsDep
) -> AgreementRead:
    return agreement_read(await agreements.get(who, agreement_id))


@router.post("/agreements/{agreement_id}/end", summary="End an agreement today")
async def end_agreement(
    agreement_id: uuid.UUID, who: Manager, agreements: AgreementsDep
) -> AgreementRead:
    return agreement_read(await agreements.end(who, agreement_id))


@router.get("/records", summary="Every exchange: to whom, what, which period, its hash")
async def list_records(
    who: Reader,
    exchanges: ExchangesDep,
    paging: Paging,
    agreement_id: uuid.UUID | None = Query(default=None),
    dataset: Dataset | None = Query(default=None),
) -> Page[RecordRead]:
    rows, total = await exchanges.records(who, paging, agreement_id=agreement_id, dataset=dataset)
    return Page.of([record_read(r) for r in rows], total, paging)


@router.get("/acl-agreement", summary="The Kafka ACL document the active agreements mean")
async def acl_agreement(who: Reader, agreements: AgreementsDep) -> AclAgreement:
    """Feed it to ``python -m sc_contracts acls plan|apply --agreement``: each recipient's
    principal may read the exchange topics of its datasets and nothing else."""
    document: dict[str, Any] = await agreements.acl_agreement(who)
    return AclAgreement.model_validate(document)


@router.get("/datasets/{dataset}", summary="Pull a dataset's record for a period")
async def pull_dataset(
    who: CurrentCaller,
    exchanges: ExchangesDep,
    dataset: Annotated[Dataset, Path()],
    period: Annotated[
        str,
        Query(min_length=7, max_length=10, description="YYYY-MM-DD (daily) or YYYY-MM (monthly)"),
    ],
) -> DatasetRecord:
    """For a recipient's client-credentials token: the same desensitised record the
    exchange topic carries (the pushed one when the period was pushed). 403
    ``exchange.no_agreement`` without an active agreement for the dataset."""
    return DatasetRecord.model_validate(await exchanges.pull(who, dataset, period))
