"""What a task sent down became, told its sender (issue 25 item 2, ADR 0042 and 0044): each
state of a community's item, and the refusal of a task sent over Kafka.

Every answer is a ``CityTaskOutcomeV1`` on ``exchange.task-outcomes.v1`` (keyed by the
sender, whose Kafka principal its agreement lets read the topic) and an exchange record
(dataset ``task_outcome``, its SHA-256, claimed by the outcome's ``record_id`` so it goes
once) with its audit record.

A refusal is answered only to a sender gov-affairs can name: the subject of a verified
token with an active agreement naming it as its client (the agreement the task names if it
is one of those, else its latest). A task whose token is missing, forged or expired names
nobody: it is a dead letter alone."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from gov_affairs.db.city_tasks import CityTaskItemRow, CityTaskRow
from gov_affairs.db.exchange import ExchangeAgreementRow, ExchangeRecordRow
from gov_affairs.domain import city_tasks as words
from gov_affairs.domain.exchange.periods import local_day
from gov_affairs.domain.exchange.records import content_hash
from gov_affairs.usecases.exchange_agreements import active
from sc_contracts.events import CityTaskIssuedV1, CityTaskKind, CityTaskOutcomeV1
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem

REASON_MAX = 200  # the contract's reason_text(_en)


async def report(
    uow: UnitOfWork,
    task: CityTaskRow,
    agreement: ExchangeAgreementRow,
    item: CityTaskItemRow,
    at: datetime,
) -> None:
    """The item's state to its sender: the outcome event and its exchange record, once."""
    zh, en = words.state_words(item.state)
    outcome = CityTaskOutcomeV1(
        record_id=f"{item.id}:{item.state}:{int(at.timestamp() * 1000)}",
        recipient=task.sender_code,
        agreement_id=str(task.agreement_id),
        task_id=task.external_id,
        kind=CityTaskKind(task.kind),
        community_id=item.community_id,
        state=item.state,
        state_text=zh,
        state_text_en=en,
        at=at,
    )
    await push_outcome(uow, agreement, outcome)


async def push_outcome(
    uow: UnitOfWork, agreement: ExchangeAgreementRow, outcome: CityTaskOutcomeV1
) -> bool:
    """Record ``outcome`` as an exchange of ``agreement`` and publish it, unless its
    ``record_id`` went before (a redelivery): whether it went now."""
    content = outcome.model_dump(mode="json")
    digest = content_hash(content)
    claimed = await uow.session.scalar(
        insert(ExchangeRecordRow)
        .values(
            id=uuid.uuid4(),
            agreement_id=agreement.id,
            recipient_code=agreement.recipient_code,
            recipient_name=agreement.recipient_name,
            dataset=words.DATASET,
            period=local_day(outcome.at).isoformat(),
            channel="push",
            record_count=1,
            content_sha256=digest,
            content=content,
            push_key=outcome.record_id,
            created_at=datetime.now(UTC),
        )
        .on_conflict_do_nothing(index_elements=["push_key"])
        .returning(ExchangeRecordRow.id)
    )
    if claimed is None:
        return False
    await uow.publish(outcome, key=outcome.recipient)
    detail = {
        "recipient": agreement.recipient_code,
        "dataset": words.DATASET,
        "task_id": outcome.task_id,
        "state": outcome.state,
        "sha256": digest,
    }
    if outcome.reason_code is not None:
        detail["reason"] = outcome.reason_code
    await uow.audit(None, "exchange.push", "exchange_record", str(claimed), detail=detail)
    return True


async def sender_agreement(
    uow: UnitOfWork, client_id: str, named: uuid.UUID | None, now: datetime
) -> ExchangeAgreementRow | None:
    """The active agreement naming ``client_id`` as its client to answer on: the one the
    task names if it is such, else the latest; None when the client has none."""
    rows = [
        r
        for r in await uow.session.scalars(
            select(ExchangeAgreementRow)
            .where(ExchangeAgreementRow.client_id == client_id)
            .order_by(ExchangeAgreementRow.created_at.desc(), ExchangeAgreementRow.id)
        )
        if active(r, local_day(now))
    ]
    return next((r for r in rows if r.id == named), rows[0] if rows else None)


def refusals(
    agreement: ExchangeAgreementRow,
    event: CityTaskIssuedV1,
    message_id: str,
    problem: Problem,
    at: datetime,
) -> Iterable[CityTaskOutcomeV1]:
    """One ``refused`` outcome per community the task names, with the refusal's code and
    words; ``record_id`` is fixed by the message (a redelivery answers nothing twice)."""
    zh, en = words.state_words(words.REFUSED)
    reason_zh, reason_en = words.refusal_words(problem.zh, problem.detail)
    mark = hashlib.sha256(f"{agreement.recipient_code}\n{message_id}".encode()).hexdigest()[:32]
    for community in dict.fromkeys(event.communities):
        yield CityTaskOutcomeV1(
            record_id=f"{words.REFUSED}:{mark}:{community}",
            recipient=agreement.recipient_code,
            agreement_id=str(agreement.id),
            task_id=event.task_id,
            kind=event.kind,
            community_id=community,
            state=words.REFUSED,
            state_text=zh,
            state_text_en=en,
            at=at,
            reason_code=problem.code[:64],
            reason_text=reason_zh[:REASON_MAX],
            reason_text_en=reason_en[:REASON_MAX],
        )
