"""Payment orders (支付单): create (idempotent), read, list, refund; reconciliations."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response
from fastapi.responses import JSONResponse
from sqlalchemy import select

from parking_payment.api import views
from parking_payment.api.deps import JobsDep, Manager, PaymentsDep, Staff
from parking_payment.api.schemas import OrderCreate, OrderRead, ReconciliationRead, RefundCreate
from parking_payment.db.orders import to_domain
from parking_payment.db.payments import PaymentOrderRow, ReconciliationRow
from parking_payment.domain.payments import Provider
from parking_payment.usecases.payments import CreateOrder, OrderView, Replay
from sc_core.api import Page, Paging, fetch_page
from sc_core.auth import CurrentCaller
from sc_core.auth.scope import scope_clause
from sc_core.schema import Day

router = APIRouter(prefix="/api/v1/payments", tags=["payments"])


@router.post("/orders", status_code=201, response_model=OrderRead, summary="Pay something")
async def create_order(
    body: OrderCreate,
    who: CurrentCaller,
    payments: PaymentsDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
) -> OrderRead | Response:
    result = await payments.create(
        who,
        CreateOrder(
            body.purpose, body.target_id, body.provider, body.channel, body.payer, who.address
        ),
        idempotency_key,
    )
    if isinstance(result, Replay):
        return JSONResponse(
            result.body, status_code=result.status_code, headers={"Idempotent-Replayed": "true"}
        )
    return views.order_read(result)


@router.get("/orders/{order_id}", response_model=OrderRead, summary="One payment order")
async def get_order(order_id: uuid.UUID, who: CurrentCaller, payments: PaymentsDep) -> OrderRead:
    staff = who.principal.has_role(
        "property_staff", "property_manager", "community_admin", "platform_admin"
    )
    return views.order_read(await payments.get(who, order_id, staff=staff))


@router.get("/orders", response_model=Page[OrderRead], summary="Payment orders (staff)")
async def list_orders(
    who: Staff,
    payments: PaymentsDep,
    paging: Paging,
    status: Annotated[str | None, Query(max_length=16)] = None,
    provider: Provider | None = None,
) -> Page[OrderRead]:
    async with payments.uow() as uow:
        query = select(PaymentOrderRow).where(
            scope_clause(who.principal, community_col=PaymentOrderRow.community_id)
        )
        if status:
            query = query.where(PaymentOrderRow.status == status)
        if provider:
            query = query.where(PaymentOrderRow.provider == provider.value)
        rows, total = await fetch_page(
            uow.session, query.order_by(PaymentOrderRow.created_at.desc()), paging
        )
        items = [views.order_read(OrderView(to_domain(r, []), {}, r.household_id)) for r in rows]
    return Page[OrderRead].of(items, total, paging)


@router.post("/orders/{order_id}/refunds", response_model=OrderRead, summary="Refund")
async def refund(
    order_id: uuid.UUID, body: RefundCreate, who: Manager, payments: PaymentsDep
) -> OrderRead:
    return views.order_read(await payments.refund(who, order_id, body.amount, body.reason))


@router.post(
    "/reconciliations/{provider}/{day}",
    response_model=ReconciliationRead,
    summary="Reconcile a day against the provider's bill",
)
async def reconcile(
    provider: Provider, day: Day, who: Manager, jobs: JobsDep
) -> ReconciliationRead:
    await jobs.reconcile_day(provider, day)
    return await _reconciliation(jobs, provider, day)


@router.get(
    "/reconciliations/{provider}/{day}",
    response_model=ReconciliationRead,
    summary="A day's reconciliation report",
)
async def get_reconciliation(
    provider: Provider, day: Day, who: Staff, jobs: JobsDep
) -> ReconciliationRead:
    return await _reconciliation(jobs, provider, day)


async def _reconciliation(jobs: JobsDep, provider: Provider, day: Day) -> ReconciliationRead:
    from parking_payment.usecases.problems import not_found

    async with jobs.uow() as uow:
        row = (
            (
                await uow.session.execute(
                    select(ReconciliationRow).where(
                        ReconciliationRow.provider == provider.value, ReconciliationRow.day == day
                    )
                )
            )
            .scalars()
            .first()
        )
        if row is None:
            raise not_found("payment.reconciliation_not_found", "该日尚未对账", "not reconciled")
        return ReconciliationRead(
            id=row.id,
            provider=provider,
            day=row.day,
            matched=row.matched,
            balanced=row.balanced,
            local_total=row.local_total,
            provider_total=row.provider_total,
            differences=row.differences,
            summary=views.reconciliation_summary(row.differences),
        )
