from __future__ import annotations

import base64

import pytest
from pydantic import ValidationError

from sc_core.settings import ServiceSettings

REAL_KEY = "k2026:" + base64.b64encode(bytes(range(32))).decode()


def test_dev_defaults_are_accepted() -> None:
    settings = ServiceSettings(service_name="x")
    assert settings.encryption_keyring[0][0] == "dev"


def test_production_refuses_placeholders() -> None:
    with pytest.raises(ValidationError) as err:
        ServiceSettings(service_name="x", environment="production")
    message = str(err.value)
    assert "field_encryption_keys" in message
    assert "database_url" in message


def test_production_accepts_real_secrets() -> None:
    settings = ServiceSettings(
        service_name="x",
        environment="production",
        field_encryption_keys=REAL_KEY,
        database_url="postgresql+asyncpg://svc:s3cr3t-Value@db.internal:5432/x",
    )
    assert settings.encryption_keyring == [("k2026", bytes(range(32)))]


def test_bad_key_is_refused_at_start() -> None:
    with pytest.raises(ValidationError, match="16, 24 or 32 bytes"):
        ServiceSettings(field_encryption_keys="k:" + base64.b64encode(b"short").decode())
