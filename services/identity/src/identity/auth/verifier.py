"""identity verifies its own access tokens with the platform's verifier.

``sc_core.auth.JWKSVerifier`` is pointed at identity's own JWKS, read in-process through
an httpx transport that answers from the key store: the same checks (algorithm, kid,
signature, issuer, audience, expiry, claims) and the same problem codes as every other
service and the gateway, with no network hop and no start-up ordering problem.
"""

from __future__ import annotations

import json

import httpx

from identity.auth.keystore import KeyStore
from identity.config import Settings
from sc_core.auth import JWKSVerifier
from sc_core.auth.revocation import RevocationFeed, follow_revocations

LOCAL_JWKS_URL = "http://identity.local/.well-known/jwks.json"


class KeyStoreTransport(httpx.AsyncBaseTransport):
    def __init__(self, keystore: KeyStore) -> None:
        self.keystore = keystore

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = json.dumps(await self.keystore.jwks()).encode()
        return httpx.Response(
            200, content=body, headers={"content-type": "application/json"}, request=request
        )


def local_verifier(keystore: KeyStore, http: httpx.AsyncClient) -> JWKSVerifier:
    settings = keystore.settings
    return JWKSVerifier(
        LOCAL_JWKS_URL,
        settings.jwt_issuer,
        settings.jwt_audience,
        cache_seconds=settings.keystore_reload_seconds,
        min_refresh_interval=min(1.0, settings.keystore_reload_seconds),
        leeway=settings.jwt_leeway_seconds,
        http_client=http,
    )


class LocalVerification:
    """identity's key ring and its own verifier, a resource of the app: at start the first
    key is made (one replica) and the ring read, and revoked tokens are followed as at
    every verifier (issue 30.7), key rotations included (issue 30/31: the ring is re-read at
    once); at stop the feed and the in-process client close."""

    def __init__(self, settings: Settings, keystore: KeyStore) -> None:
        self.settings = settings
        self.keystore = keystore
        self.http = httpx.AsyncClient(transport=KeyStoreTransport(keystore))
        self.verifier = local_verifier(keystore, self.http)
        self._feed: RevocationFeed | None = None

    async def start(self) -> None:
        await self.keystore.ensure_key()
        await self.keystore.reload()
        self._feed = await follow_revocations(
            self.settings, self.verifier, on_key_rotated=self.key_rotated
        )

    async def key_rotated(self) -> None:
        """A key was added (this replica or another, SigningKeyRotatedV1): re-read the ring
        and the verifier's key set now, not at the next reload."""
        self.keystore.forget()
        await self.verifier.refresh()

    async def close(self) -> None:
        if self._feed is not None:
            await self._feed.close()
            self._feed = None
        await self.http.aclose()
