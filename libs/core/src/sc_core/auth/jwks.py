"""Verifying access tokens against identity's JWKS (EdDSA / Ed25519 and RS256).

The key set is fetched with httpx and cached for ``cache_seconds``. A token whose ``kid``
is not cached triggers one refresh (identity rotated its key), but refreshes for unknown
kids are at most one per ``min_refresh_interval`` seconds, so a flood of tokens with
made-up kids cannot hammer identity. Concurrent refreshes coalesce into one request.

If identity cannot be reached the cached keys keep serving; with no keys at all the
verifier raises ``Problem(503, "auth.jwks_unavailable")``.

A token that verified is remembered (by its exact text) for ``verified_cache_seconds``,
never past its expiry nor past the freshness of the key set it was checked against: an
app sends the same token with every request, and checking its Ed25519 signature and claims
again cost the gateway and the service ~100-150 us each per request (ADR 0017). A new key
set forgets them all.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx
import jwt

from sc_core.auth.principal import InvalidClaims, Principal
from sc_core.errors import Problem

if TYPE_CHECKING:
    from sc_core.auth.revocation import Revocations

log = logging.getLogger(__name__)

ALLOWED_ALGORITHMS: frozenset[str] = frozenset({"EdDSA", "RS256"})
REQUIRED_CLAIMS = ("exp", "iat", "sub", "iss", "aud")


def unauthorized(
    code: str, detail: str, *, error: str = "invalid_token", zh: str | None = None
) -> Problem:
    """A 401 problem with an RFC 6750 ``WWW-Authenticate: Bearer`` challenge."""
    safe = detail.replace('"', "'")
    challenge = f'Bearer error="{error}", error_description="{safe}"'
    return Problem(401, code, detail, headers={"WWW-Authenticate": challenge}, zh=zh)


def invalid_token(detail: str) -> Problem:
    """401 ``auth.invalid_token``: ``detail`` says why in English; a person reads that the
    sign-in is not valid (the reason is a matter for the app, not for them)."""
    return unauthorized("auth.invalid_token", detail, zh="登录凭证无效，请重新登录")


class JWKSVerifier:
    """Verifies bearer tokens and turns them into :class:`Principal` objects."""

    def __init__(
        self,
        jwks_url: str,
        issuer: str,
        audience: str,
        cache_seconds: float = 300,
        *,
        min_refresh_interval: float = 30.0,
        leeway: float = 30.0,
        http_client: httpx.AsyncClient | None = None,
        timeout: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        verified_cache_seconds: float = 60.0,
        verified_cache_size: int = 4096,
    ) -> None:
        self.jwks_url = jwks_url
        self.issuer = issuer
        self.audience = audience
        self.cache_seconds = cache_seconds
        self.min_refresh_interval = min_refresh_interval
        self.leeway = leeway
        self._client = http_client
        self._owns_client = http_client is None
        self._timeout = timeout
        self._clock = clock
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._last_attempt: float | None = None
        self._lock = asyncio.Lock()
        self.fetch_count = 0
        self.verified_cache_seconds = verified_cache_seconds
        self.verified_cache_size = verified_cache_size
        self._verified: dict[str, tuple[Principal, float]] = {}
        # revoked tokens (sc_core.auth.revocation), consulted on every call when set
        self.revocations: Revocations | None = None

    @classmethod
    def from_settings(cls, settings: Any, **kwargs: Any) -> JWKSVerifier:
        """From :class:`~sc_core.settings.ServiceSettings` (``jwks_url`` must be set)."""
        if not settings.jwks_url:
            raise ValueError("JWKS_URL is not set; the service cannot verify tokens")
        return cls(
            settings.jwks_url,
            settings.jwt_issuer,
            settings.jwt_audience,
            settings.jwks_cache_seconds,
            **kwargs,
        )

    async def aclose(self) -> None:
        if self._client is not None and self._owns_client:
            await self._client.aclose()
            self._client = None

    @property
    def known_kids(self) -> frozenset[str]:
        return frozenset(self._keys)

    # verification ------------------------------------------------------------------
    async def verify(self, token: str) -> Principal:
        """Check signature, issuer, audience, expiry; return the caller's principal."""
        now = self._clock()
        known = self._verified.get(token)
        if known is not None:
            if known[1] > now and not self._stale(now):
                if self.revocations is not None:
                    self.revocations.check(known[0])
                return known[0]
            del self._verified[token]
        claims = await self.verify_claims(token)
        try:
            principal = Principal.from_claims(claims)
        except InvalidClaims as exc:
            raise invalid_token(str(exc)) from exc
        if self.revocations is not None:
            self.revocations.check(principal)
        # never past the token's expiry, nor past the key set it was checked against
        lifetime = min(
            float(claims["exp"]) + self.leeway - time.time(),
            (self._fetched_at or now) + self.cache_seconds - now,
        )
        if self.verified_cache_seconds > 0 and lifetime > 0:
            if len(self._verified) >= self.verified_cache_size:
                self._forget_expired(now)
            self._verified[token] = (principal, now + min(self.verified_cache_seconds, lifetime))
        return principal

    def _forget_expired(self, now: float) -> None:
        expired = [t for t, (_, until) in self._verified.items() if until <= now]
        for token in expired or list(self._verified)[: self.verified_cache_size // 4]:
            del self._verified[token]

    async def verify_claims(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise invalid_token("The token is malformed") from exc
        alg, kid = header.get("alg"), header.get("kid")
        if alg not in ALLOWED_ALGORITHMS:
            raise invalid_token(f"Signing algorithm {alg!r} is not accepted")
        if not isinstance(kid, str) or not kid:
            raise invalid_token("The token names no key id")
        key = await self._key_for(kid)
        if key.algorithm_name != alg:
            raise invalid_token("The token's algorithm does not match its key")
        try:
            return jwt.decode(
                token,
                key=key.key,
                algorithms=[alg],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.ExpiredSignatureError as exc:
            raise unauthorized(
                "auth.token_expired", "The token has expired", zh="登录已过期，请重新登录"
            ) from exc
        except jwt.InvalidAudienceError as exc:
            raise invalid_token("The token is not meant for this audience") from exc
        except jwt.InvalidIssuerError as exc:
            raise invalid_token("The token was not issued by identity") from exc
        except jwt.InvalidSignatureError as exc:
            raise invalid_token("The token signature is invalid") from exc
        except jwt.InvalidTokenError as exc:
            raise invalid_token(f"The token is invalid: {exc}") from exc

    # key cache ---------------------------------------------------------------------
    def _stale(self, now: float) -> bool:
        return self._fetched_at is None or now - self._fetched_at >= self.cache_seconds

    def _may_retry(self, now: float) -> bool:
        # With no key at all (identity not up yet) retry sooner than the flood limit.
        interval = self.min_refresh_interval if self._keys else min(self.min_refresh_interval, 1.0)
        return self._last_attempt is None or now - self._last_attempt >= interval

    def _needs_refresh(self, kid: str, now: float) -> bool:
        return self._may_retry(now) and (self._stale(now) or kid not in self._keys)

    async def _key_for(self, kid: str) -> jwt.PyJWK:
        if kid not in self._keys or self._stale(self._clock()):
            # Taking the lock also waits for a refresh already in flight, which may be the
            # one that brings this kid; then decide again whether to fetch.
            async with self._lock:
                now = self._clock()
                if self._needs_refresh(kid, now):
                    await self._refresh(now)
        key = self._keys.get(kid)
        if key is None:
            if not self._keys and self._fetched_at is None:
                raise Problem(
                    503,
                    "auth.jwks_unavailable",
                    "Token keys cannot be fetched from identity",
                    zh="暂时无法核验登录凭证，请稍后重试",
                )
            raise invalid_token("The token was signed by an unknown key")
        return key

    async def refresh(self) -> None:
        """Fetch the key set now, regardless of the cache and the rate limit."""
        async with self._lock:
            await self._refresh(self._clock())

    async def _refresh(self, now: float) -> None:
        self._last_attempt = now
        self.fetch_count += 1
        try:
            if self._client is None:
                self._client = httpx.AsyncClient(timeout=self._timeout)
            response = await self._client.get(self.jwks_url, headers={"Accept": "application/json"})
            response.raise_for_status()
            keys = parse_jwks(response.json())
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("JWKS fetch from %s failed: %s", self.jwks_url, exc)
            return
        if keys.keys() != self._keys.keys():
            self._verified.clear()  # a key may have been withdrawn
        self._keys = keys
        self._fetched_at = now


def parse_jwks(document: Any) -> dict[str, jwt.PyJWK]:
    """Usable signing keys of a JWKS document by kid; others are skipped with a log line."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("a JWKS document needs a 'keys' list")
    found: dict[str, jwt.PyJWK] = {}
    for raw in document["keys"]:
        if not isinstance(raw, dict):
            continue
        kid = raw.get("kid")
        if not isinstance(kid, str) or raw.get("use", "sig") != "sig":
            continue
        if raw.get("kty") == "RSA" and raw.get("alg", "RS256") != "RS256":
            continue
        try:
            key = jwt.PyJWK(raw)
        except (jwt.PyJWKError, jwt.InvalidKeyError, ValueError, TypeError, KeyError) as exc:
            log.warning("skipping JWKS key %s: %s", kid, exc)
            continue
        if key.algorithm_name in ALLOWED_ALGORITHMS:
            found[kid] = key
    return found
