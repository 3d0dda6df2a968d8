"""Signing keys (Ed25519 for EdDSA, RSA for RS256): generating, parsing
``JWT_SIGNING_KEYS``, choosing, publishing.

Pure logic, no I/O. A key signs from ``activates_at`` on (``None``: never, it is only
published) and is published until ``publish_until`` (``None``: for as long as it is in
the ring). The signing key of an algorithm is the published key of that algorithm with the
latest ``activates_at`` that has passed. Access tokens and visitor passes are EdDSA; ID
tokens are RS256 unless a client registered EdDSA (OpenID Connect Discovery requires RS256).

``JWT_SIGNING_KEYS`` format: ``kid:key[,kid:key...]`` where ``key`` is base64 (standard or
url-safe, padding optional) of either the 32-byte Ed25519 private seed or an RSA private
key (PKCS#8 DER, 2048 bits or more), and ``kid`` matches ``[A-Za-z0-9._-]{1,64}``. The first
key of each algorithm signs; every key is published.
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
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm, RSAAlgorithm

ALGORITHM = "EdDSA"  # access tokens and visitor passes
RS256 = "RS256"  # ID tokens by default (OpenID Connect Discovery requires it)
ALGORITHMS = (ALGORITHM, RS256)
RSA_BITS = 2048
KID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
ALWAYS = datetime(1970, 1, 1, tzinfo=UTC)


class KeyRingError(ValueError):
    """``JWT_SIGNING_KEYS`` cannot be parsed."""


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: Ed25519PrivateKey | rsa.RSAPrivateKey
    activates_at: datetime | None = ALWAYS
    publish_until: datetime | None = None

    @property
    def algorithm(self) -> str:
        return RS256 if isinstance(self.private_key, rsa.RSAPrivateKey) else ALGORITHM

    @property
    def seed(self) -> str:
        """The private key, base64 (what ``JWT_SIGNING_KEYS`` and the database hold): the
        Ed25519 seed, or the RSA key as PKCS#8 DER."""
        if isinstance(self.private_key, rsa.RSAPrivateKey):
            raw = self.private_key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        else:
            raw = self.private_key.private_bytes(
                serialization.Encoding.Raw,
                serialization.PrivateFormat.Raw,
                serialization.NoEncryption(),
            )
        return base64.b64encode(raw).decode("ascii")

    def public_jwk(self) -> dict[str, Any]:
        if isinstance(self.private_key, rsa.RSAPrivateKey):
            jwk: dict[str, Any] = RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        else:
            jwk = OKPAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        jwk.update({"kid": self.kid, "alg": self.algorithm, "use": "sig"})
        return jwk

    def private_jwk(self) -> dict[str, Any]:
        """The private key as a JWK (what Authlib signs ID tokens with)."""
        jwk: dict[str, Any] = (
            RSAAlgorithm.to_jwk(self.private_key, as_dict=True)
            if isinstance(self.private_key, rsa.RSAPrivateKey)
            else OKPAlgorithm.to_jwk(self.private_key, as_dict=True)
        )
        jwk.update({"kid": self.kid, "alg": self.algorithm, "use": "sig"})
        return jwk

    def is_published(self, now: datetime) -> bool:
        return self.publish_until is None or now < self.publish_until

    def signs_at(self, now: datetime) -> bool:
        return self.activates_at is not None and self.activates_at <= now


def new_kid(now: datetime | None = None, algorithm: str = ALGORITHM) -> str:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d")
    prefix = "rsa" if algorithm == RS256 else "ed25519"
    return f"{prefix}-{stamp}-{secrets.token_hex(4)}"


def generate_key(kid: str | None = None, algorithm: str = ALGORITHM, **times: Any) -> SigningKey:
    if algorithm == RS256:
        private: Ed25519PrivateKey | rsa.RSAPrivateKey = rsa.generate_private_key(
            public_exponent=65537, key_size=RSA_BITS
        )
    else:
        private = Ed25519PrivateKey.generate()
    return SigningKey(kid or new_kid(algorithm=algorithm), private, **times)


def key_from_seed(kid: str, seed: str, **times: Any) -> SigningKey:
    if not KID_PATTERN.match(kid):
        raise KeyRingError(f"key id {kid!r} must match {KID_PATTERN.pattern}")
    text = seed.strip().replace("-", "+").replace("_", "/")
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise KeyRingError(f"key {kid!r} is not base64") from exc
    if len(raw) == 32:
        return SigningKey(kid, Ed25519PrivateKey.from_private_bytes(raw), **times)
    try:
        private = serialization.load_der_private_key(raw, password=None)
    except (ValueError, TypeError) as exc:
        raise KeyRingError(
            f"key {kid!r} must be a 32-byte Ed25519 seed or an RSA key (PKCS#8 DER), "
            f"not {len(raw)} bytes of something else"
        ) from exc
    if not isinstance(private, rsa.RSAPrivateKey) or private.key_size < RSA_BITS:
        raise KeyRingError(f"key {kid!r} must be an RSA key of {RSA_BITS} bits or more")
    return SigningKey(kid, private, **times)


def parse_key_ring(text: str) -> list[SigningKey]:
    """Keys of ``JWT_SIGNING_KEYS``: the first of each algorithm signs, the others are only
    published."""
    keys: list[SigningKey] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        kid, sep, seed = part.partition(":")
        if not sep or not seed:
            raise KeyRingError("JWT_SIGNING_KEYS entries must be 'kid:base64seed'")
        if any(k.kid == kid for k in keys):
            raise KeyRingError(f"key id {kid!r} appears twice")
        key = key_from_seed(kid, seed)
        first = not any(k.algorithm == key.algorithm for k in keys)
        keys.append(key if first else key_from_seed(kid, seed, activates_at=None))
    if not keys:
        raise KeyRingError("JWT_SIGNING_KEYS holds no key")
    return keys


def format_entry(key: SigningKey) -> str:
    """One ``JWT_SIGNING_KEYS`` entry for ``key``."""
    return f"{key.kid}:{key.seed}"


def signing_key(
    keys: list[SigningKey], now: datetime, algorithm: str = ALGORITHM
) -> SigningKey | None:
    """The published key of ``algorithm`` with the latest activation that has passed."""
    ready = [
        k for k in keys if k.algorithm == algorithm and k.is_published(now) and k.signs_at(now)
    ]
    return max(ready, key=lambda k: k.activates_at or ALWAYS, default=None)


def jwks(keys: list[SigningKey], now: datetime) -> dict[str, Any]:
    """The public JWKS document: every key still published."""
    return {"keys": [k.public_jwk() for k in keys if k.is_published(now)]}
