"""The composition of parking-payment: every part built once, in order; then the app.

settings -> runtime -> payment providers (production keys, or the local simulators) ->
the use cases (gates, parking, payments, callbacks, jobs, vehicles, bills, charging,
e-bikes, commerce's shop orders) -> the telemetry consumer (meters, e-bike piles), the
shop-orders consumer (``commerce.orders.v1``: what a ``shop_order`` payment may pay, and
the payments commerce will not keep, refunded), the
place directory (identity's events: which community a resident's household is in), the
periodic jobs (recovery and expiry of open orders, refunds, reminders, the daily
reconciliation) and the OCPP central system -> the app with its routers.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from parking_payment.adapters.ocpp.central import CentralSystem
from parking_payment.adapters.photos import PhotoStore
from parking_payment.adapters.setup import build_providers
from parking_payment.api import (
    anpr,
    bills,
    callbacks,
    charge_points,
    charging,
    my_orders,
    parking,
    payments,
    vehicles,
    views,
)
from parking_payment.charger_sim import DemoCharger
from parking_payment.config import Settings
from parking_payment.db.models import DIRECTORY, metadata
from parking_payment.domain.charging import EbikeTariff, PowerBand
from parking_payment.domain.errors import DomainError
from parking_payment.domain.passes import VisitorPolicy
from parking_payment.domain.payments import Provider, Purpose
from parking_payment.usecases import (
    Bills,
    Callbacks,
    Charging,
    ChargingBackendDb,
    Ebikes,
    Gates,
    ParkingTarget,
    PaymentJobs,
    Payments,
    ShopOrders,
    UseCases,
    Vehicles,
    meters,
)
from parking_payment.usecases.ports import PaymentTarget
from parking_payment.usecases.problems import problem
from sc_contracts.events import ShopOrderChangedV1, TelemetryRecordedV1
from sc_core.places import subscribe_places
from sc_core.service import Runtime, create_service_app

MIGRATIONS = Path(__file__).parent / "db" / "migrations"
ROUTERS = [
    payments.router,
    my_orders.router,
    callbacks.router,
    anpr.router,
    vehicles.router,
    parking.router,
    bills.router,
    charging.router,
    charge_points.router,
]
CN = ZoneInfo("Asia/Shanghai")
EBIKE_TARIFF = EbikeTariff(bands=(PowerBand(200, 50), PowerBand(400, 80), PowerBand(None, 120)))


class OcppServer:
    """The central system as a resource: listens while the service runs."""

    def __init__(self, central: CentralSystem, host: str, port: int, enabled: bool) -> None:
        self.central, self.host, self.port, self.enabled = central, host, port, enabled

    async def start(self) -> None:
        if self.enabled:
            self.port = await self.central.start(self.host, self.port)

    async def close(self) -> None:
        await self.central.stop()


class Providers:
    """The payment providers as a resource: built at start (in simulator mode that starts
    the simulators' process, which must not happen when the app is only built, e.g. for
    its OpenAPI document), their HTTP clients closed at stop. The use cases hold the same
    dict, filled here."""

    def __init__(self, settings: Settings, providers: dict[Provider, Any]) -> None:
        self.settings = settings
        self.providers = providers

    async def start(self) -> None:
        self.providers.update(await asyncio.to_thread(build_providers, self.settings))

    async def close(self) -> None:
        for provider in self.providers.values():
            await provider.client.aclose()


def build(settings: Settings) -> tuple[Runtime, UseCases, list[Any]]:
    runtime = Runtime(settings, metadata)
    uow = runtime.db.uow
    providers: dict[Provider, Any] = {}  # filled when the Providers resource starts
    gates = Gates(uow, PhotoStore(settings.photo_dir))
    parking_target = ParkingTarget(gates)
    bills_uc = Bills(uow, late_fee_rate=settings.late_fee_rate_per_day)
    backend = ChargingBackendDb(uow)
    central = CentralSystem(backend)
    charging_uc = Charging(uow, central)
    ebikes = Ebikes(uow, EBIKE_TARIFF)
    shop_orders = ShopOrders()
    # every purpose a client may name has its target (a missing one was a KeyError: 500)
    targets: dict[Purpose, PaymentTarget] = {
        Purpose.parking: parking_target,
        Purpose.property_bill: bills_uc,
        Purpose.ev_charging: charging_uc,
        Purpose.ebike_charging: ebikes,
        Purpose.shop_order: shop_orders,
    }
    payments_uc = Payments(
        uow,
        providers,
        targets,
        order_ttl=timedelta(seconds=settings.order_ttl_s),
        idempotency_ttl=timedelta(hours=settings.idempotency_ttl_h),
        render=views.order_body,
    )
    callbacks_uc = Callbacks(uow, providers, targets)
    jobs = PaymentJobs(uow, providers, callbacks_uc, payments_uc)
    usecases = UseCases(
        payments=payments_uc,
        callbacks=callbacks_uc,
        jobs=jobs,
        gates=gates,
        parking=parking_target,
        vehicles=Vehicles(
            uow,
            policy=VisitorPolicy(
                settings.visitor_pass_max_hours, settings.visitor_passes_per_month
            ),
        ),
        bills=bills_uc,
        charging=charging_uc,
        charging_backend=backend,
        ebikes=ebikes,
        shop_orders=shop_orders,
    )

    async def on_telemetry(events: list[TelemetryRecordedV1], uow: Any) -> None:
        await meters.record(uow, meters.meter_readings(events))
        await ebikes.record(uow, events)
        await uow.commit()

    runtime.batch_consumer(name="telemetry", handler=on_telemetry, model=TelemetryRecordedV1)
    # commerce's shop orders: what a shop_order payment may pay, for whom, how much
    orders_consumer = runtime.consumer(name="shop-orders")

    @orders_consumer.on(ShopOrderChangedV1)
    async def on_shop_order(event: ShopOrderChangedV1, uow: Any) -> None:
        await shop_orders.on_changed(uow, event)
        if event.refund_payment_order_id is None:
            return
        # a payment commerce will not keep: the refund recorded with the inbox row, then
        # asked for (a refund the provider did not get is asked for by the refund job)
        due = await payments_uc.refund_due(
            uow,
            event.refund_payment_order_id,
            purpose=Purpose.shop_order,
            target_id=event.order_id,
            reason=shop_orders.refund_reason(event),
            by="commerce",
        )
        await uow.commit()
        if due is not None:
            await payments_uc.send_refund(*due)

    # household -> community from identity.events.v1: what a resident's household grant
    # reaches (the car parks and tariffs their community shares; their household's cars)
    subscribe_places(runtime, DIRECTORY)
    runtime.every(settings.settle_interval_s, "settle-orders", jobs.settle_open_orders)
    runtime.every(60.0, "settle-refunds", jobs.settle_refunds)
    runtime.every(3600.0, "bill-reminders", bills_uc.send_reminders)
    last: dict[Provider, Any] = {}

    async def reconcile_yesterday() -> None:
        now = datetime.now(UTC).astimezone(CN)
        if now.hour < settings.reconcile_hour:
            return
        day = now.date() - timedelta(days=1)
        for kind in providers:
            if last.get(kind) != day:
                await jobs.reconcile_day(kind, day)
                last[kind] = day

    runtime.every(600.0, "reconcile", reconcile_yesterday)
    ocpp = OcppServer(central, settings.ocpp_host, settings.ocpp_port, settings.ocpp_enabled)
    resources = [
        ocpp,
        Providers(settings, providers),
        DemoCharger(settings.ocpp_demo_charger if settings.ocpp_enabled else "", lambda: ocpp.port),
    ]
    return runtime, usecases, resources


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime, usecases, resources = build(settings)

    async def recover(_runtime: Runtime) -> None:
        """On start: ask the providers about every open order (a payment that came while
        we were down is applied now, once)."""
        await usecases.jobs.settle_open_orders()

    app = create_service_app(
        settings,
        title="parking-payment",
        runtime=runtime,
        migrations_dir=MIGRATIONS,
        routers=ROUTERS,
        resources=resources,
        on_start=[recover],
    )

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> JSONResponse:
        p = problem(exc)
        return JSONResponse(
            p.to_dict(str(request.url.path)),
            status_code=p.status,
            media_type="application/problem+json",
        )

    app.state.usecases = usecases
    app.state.settings = settings
    return app
