"""Ed25519 signing keys: generating, parsing ``JWT_SIGNING_KEYS``, choosing, publishing.

Pure logic, no I/O. A key signs from ``activates_at`` on (``None``: never, it is only
published) and is published until ``publish_until`` (``None``: for as long as it is in
the ring). The signing key is the published key with the latest ``activates_at`` that
has passed.

``JWT_SIGNING_KEYS`` format: ``kid:seed[,kid:seed...]`` where ``seed`` is the 32-byte
Ed25519 private seed in base64 (standard or url-safe, padding optional) and ``kid``
matches ``[A-Za-z0-9._-]{1,64}``. The first key signs; every key is published.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

ALGORITHM = "EdDSA"
KID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
ALWAYS = datetime(1970, 1, 1, tzinfo=UTC)


class KeyRingError(ValueError):
    """``JWT_SIGNING_KEYS`` cannot be parsed."""


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: Ed25519PrivateKey
    activates_at: datetime | None = ALWAYS
    publish_until: datetime | None = None

    @property
    def seed(self) -> str:
        """The private seed, base64 (what ``JWT_SIGNING_KEYS`` and the database hold)."""
        raw = self.private_key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        return base64.b64encode(raw).decode("ascii")

    def public_jwk(self) -> dict[str, Any]:
        jwk: dict[str, Any] = OKPAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        jwk.update({"kid": self.kid, "alg": ALGORITHM, "use": "sig"})
        return jwk

    def is_published(self, now: datetime) -> bool:
        return self.publish_until is None or now < self.publish_until

    def signs_at(self, now: datetime) -> bool:
        return self.activates_at is not None and self.activates_at <= now


def new_kid(now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d")
    return f"ed25519-{stamp}-{secrets.token_hex(4)}"


def generate_key(kid: str | None = None, **times: Any) -> SigningKey:
    return SigningKey(kid or new_kid(), Ed25519PrivateKey.generate(), **times)


def key_from_seed(kid: str, seed: str, **times: Any) -> SigningKey:
    if not KID_PATTERN.match(kid):
        raise KeyRingError(f"key id {kid!r} must match {KID_PATTERN.pattern}")
    text = seed.strip().replace("-", "+").replace("_", "/")
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise KeyRingError(f"key {kid!r} is not base64") from exc
    if len(raw) != 32:
        raise KeyRingError(f"key {kid!r} must be a 32-byte Ed25519 seed, not {len(raw)} bytes")
    return SigningKey(kid, Ed25519PrivateKey.from_private_bytes(raw), **times)


def parse_key_ring(text: str) -> list[SigningKey]:
    """Keys of ``JWT_SIGNING_KEYS``: the first signs, the others are only published."""
    keys: list[SigningKey] = []
    for index, part in enumerate(p.strip() for p in text.split(",")):
        if not part:
            continue
        kid, sep, seed = part.partition(":")
        if not sep or not seed:
            raise KeyRingError("JWT_SIGNING_KEYS entries must be 'kid:base64seed'")
        if any(k.kid == kid for k in keys):
            raise KeyRingError(f"key id {kid!r} appears twice")
        keys.append(key_from_seed(kid, seed, activates_at=ALWAYS if index == 0 else None))
    if not keys:
        raise KeyRingError("JWT_SIGNING_KEYS holds no key")
    return keys


def format_entry(key: SigningKey) -> str:
    """One ``JWT_SIGNING_KEYS`` entry for ``key``."""
    return f"{key.kid}:{key.seed}"


def signing_key(keys: list[SigningKey], now: datetime) -> SigningKey | None:
    """The published key with the latest activation that has passed, if any."""
    ready = [k for k in keys if k.is_published(now) and k.signs_at(now)]
    return max(ready, key=lambda k: k.activates_at or ALWAYS, default=None)


def jwks(keys: list[SigningKey], now: datetime) -> dict[str, Any]:
    """The public JWKS document: every key still published."""
    return {"keys": [k.public_jwk() for k in keys if k.is_published(now)]}
