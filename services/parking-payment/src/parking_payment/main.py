"""The parking-payment service's app. So far it migrates its database and serves the
platform's health and readiness endpoints: the domain, the payment and ANPR adapters, the
simulators, the OCPP central system, the tables and the use cases are built and tested;
their routers and composition come with the service kit's shape (issue 16; branch
h22-parking, services/parking-payment/README.md "Status")."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from parking_payment.config import Settings
from parking_payment.db.models import metadata
from sc_core.service import create_service_app

MIGRATIONS = Path(__file__).parent / "db" / "migrations"


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        settings or Settings(),
        title="Parking and payment",
        metadata=metadata,
        migrations_dir=MIGRATIONS,
    )
