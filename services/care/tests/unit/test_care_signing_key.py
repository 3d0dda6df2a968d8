"""CARE_SIGNING_KEY: a PEM key or the base64 of a 32-byte seed gives the same signer on
every start; production refuses to run without one."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import ValidationError

from care.adapters.signing import CareSigner
from care.config import Settings

SEED = bytes(range(32))


def test_a_base64_seed_and_its_pem_give_the_same_key_on_every_start():
    pem = (
        Ed25519PrivateKey.from_private_bytes(SEED)
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    one_line = base64.b64encode(SEED).decode()
    first, again = CareSigner.from_setting(one_line), CareSigner.from_setting(one_line + "\n")
    from_pem = CareSigner.from_setting(pem)
    escaped = CareSigner.from_setting(pem.replace("\n", "\\n"))  # an env file's one line
    assert first.jwks() == again.jwks() == from_pem.jwks() == escaped.jwks()
    assert first.jwks() != CareSigner.generate().jwks()


@pytest.mark.parametrize("bad", ["not base64!", base64.b64encode(b"short").decode()])
def test_a_malformed_key_stops_the_start(bad):
    with pytest.raises(ValueError, match="CARE_SIGNING_KEY"):
        CareSigner.from_setting(bad)


def test_production_needs_a_signing_key():
    common = {"environment": "production", "exchange_pseudonym_key": "k" * 32}
    common["field_encryption_keys"] = "k1:" + base64.b64encode(SEED).decode()
    common["field_index_key"] = "i" * 32
    common["database_url"] = "postgresql+asyncpg://care:pw@pg:5432/care"
    common["database_auto_create"] = False
    with pytest.raises(ValidationError, match="CARE_SIGNING_KEY"):
        Settings(**common)
    assert Settings(**common, care_signing_key=base64.b64encode(SEED).decode())
