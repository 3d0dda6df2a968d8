"""Signed, verifiable tokens of the care service: childcare video grants and the guardian's
check-in QR code.

Both are compact JWTs signed with Ed25519 (EdDSA, PyJWT), so whoever must check one (the
video gateway in front of the cameras, the door scanner) verifies it with the public key
alone (:meth:`CareSigner.jwks`) and cannot mint one. Each kind has its own ``typ`` and
audience, so a QR code is never accepted as a video grant or the other way round.

- Video grant: ``aud`` = ``camera:<camera id>``, ``sub`` = the grantee's account, ``jti`` =
  the grant's id (its revocation is checked by the service, which audits every use),
  ``nbf``/``exp`` = the window. Nothing about the child is in it.
- Check-in QR: ``aud`` = ``nursery:<id>``, ``sub`` = the guardian, ``child`` = the child,
  ``exp`` two minutes after it is shown, ``jti`` one-time (the service records used ones).
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from jwt.algorithms import OKPAlgorithm

from care.domain.childcare import VideoGrant

ISSUER = "smart-community-care"
VIDEO_TYP = "video-grant+jwt"
QR_TYP = "checkin-qr+jwt"
QR_TTL = timedelta(minutes=2)
LEEWAY_S = 5
# time is checked against the caller's clock below (one clock for the whole request)
_DECODE_OPTIONS: Any = {
    "verify_exp": False,
    "verify_nbf": False,
    "verify_iat": False,
    "require": ["exp", "jti", "sub"],
}


class TokenError(ValueError):
    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


_EXPIRED = ("已过期", "has expired")
_EARLY = ("尚未生效", "is not valid yet")
_INVALID = ("无效", "is not valid")


@dataclass(frozen=True)
class QrClaims:
    guardian_id: str
    child_id: str
    nursery_id: str
    jti: str
    expires: datetime


class CareSigner:
    def __init__(self, private_key: Ed25519PrivateKey, kid: str | None = None) -> None:
        self._key = private_key
        pub = private_key.public_key()
        raw = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.kid = kid or f"care-ed25519-{raw.hex()[:12]}"
        self._public: Ed25519PublicKey = pub

    @classmethod
    def generate(cls) -> CareSigner:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_pem(cls, pem: str | bytes, kid: str | None = None) -> CareSigner:
        key = serialization.load_pem_private_key(
            pem if isinstance(pem, bytes) else pem.encode(), None
        )
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the care signing key must be an Ed25519 private key")
        return cls(key, kid)

    @classmethod
    def from_setting(cls, value: str) -> CareSigner:
        """``CARE_SIGNING_KEY`` as a PEM private key, or on one line (an env file, a
        Secret literal) as the base64 of the 32-byte seed: ``openssl rand -base64 32``."""
        text = value.strip()
        if text.startswith("-----BEGIN"):
            return cls.from_pem(text.replace("\\n", "\n"))
        try:
            seed = base64.b64decode(text, validate=True)
        except binascii.Error as exc:
            raise ValueError("CARE_SIGNING_KEY is neither a PEM key nor base64") from exc
        if len(seed) != 32:
            raise ValueError("CARE_SIGNING_KEY in base64 must hold 32 bytes (an Ed25519 seed)")
        return cls(Ed25519PrivateKey.from_private_bytes(seed))

    def jwks(self) -> dict[str, Any]:
        jwk = OKPAlgorithm.to_jwk(self._public, as_dict=True)
        return {"keys": [jwk | {"kid": self.kid, "use": "sig", "alg": "EdDSA"}]}

    def _sign(self, claims: dict[str, Any], typ: str) -> str:
        return jwt.encode(
            claims, self._key, algorithm="EdDSA", headers={"kid": self.kid, "typ": typ}
        )

    def _verify(
        self, token: str, typ: str, audience: str, now: datetime, what: tuple[str, str]
    ) -> dict[str, Any]:
        def fail(reason: tuple[str, str], code: str) -> TokenError:
            return TokenError(code, f"{what[0]}{reason[0]}。", f"The {what[1]} {reason[1]}.")

        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise fail(_INVALID, "care.token_invalid") from None
        if header.get("typ") != typ or header.get("alg") != "EdDSA":
            raise fail(_INVALID, "care.token_invalid")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._public,
                algorithms=["EdDSA"],
                audience=audience,
                issuer=ISSUER,
                options=_DECODE_OPTIONS,
            )
        except jwt.PyJWTError:
            raise fail(_INVALID, "care.token_invalid") from None
        t = now.timestamp()
        if t >= claims["exp"] + LEEWAY_S:
            raise fail(_EXPIRED, "care.token_expired")
        if "nbf" in claims and t < claims["nbf"] - LEEWAY_S:
            raise fail(_EARLY, "care.token_not_yet_valid")
        return claims

    def sign_video_grant(self, grant: VideoGrant) -> str:
        return self._sign(
            {
                "iss": ISSUER,
                "aud": f"camera:{grant.camera_id}",
                "sub": grant.grantee,
                "jti": grant.id,
                "cam": grant.camera_id,
                "nbf": int(grant.start.timestamp()),
                "exp": int(grant.end.timestamp()),
            },
            VIDEO_TYP,
        )

    def verify_video_grant(self, token: str, camera_id: str, now: datetime) -> dict[str, Any]:
        """The claims of a grant for ``camera_id`` valid at ``now``; raise :class:`TokenError`."""
        return self._verify(
            token, VIDEO_TYP, f"camera:{camera_id}", now, ("视频授权", "video grant")
        )

    def sign_checkin_qr(
        self, guardian_id: str, child_id: str, nursery_id: str, now: datetime
    ) -> str:
        return self._sign(
            {
                "iss": ISSUER,
                "aud": f"nursery:{nursery_id}",
                "sub": guardian_id,
                "child": child_id,
                "jti": str(uuid.uuid4()),
                "iat": int(now.timestamp()),
                "exp": int((now + QR_TTL).timestamp()),
            },
            QR_TYP,
        )

    def verify_checkin_qr(self, token: str, nursery_id: str, now: datetime) -> QrClaims:
        c = self._verify(token, QR_TYP, f"nursery:{nursery_id}", now, ("接送码", "pick-up code"))
        return QrClaims(
            c["sub"], c["child"], nursery_id, c["jti"], datetime.fromtimestamp(c["exp"], now.tzinfo)
        )
