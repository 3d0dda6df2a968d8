"""Settings: the payment simulators never run in production."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from parking_payment.config import Settings

PRODUCTION = {
    "environment": "production",
    "database_url": "postgresql+asyncpg://parking_payment:s3cret-Pw@db:5432/parking_payment",
    "database_auto_create": False,
    "field_encryption_keys": "k1:" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU=",
}


def test_production_refuses_the_simulators():
    with pytest.raises(ValidationError, match="PAYMENT_MODE=simulator is refused in production"):
        Settings(**PRODUCTION, payment_mode="simulator")


def test_production_takes_off():
    assert Settings(**PRODUCTION, payment_mode="off").payment_mode == "off"


def test_development_runs_the_simulators():
    assert Settings(environment="dev").payment_mode == "simulator"
