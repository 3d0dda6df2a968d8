"""identity's app: the platform's service app plus its routers, key store and verifier."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from identity.api import (
    accounts,
    auth,
    buildings,
    communities,
    doors,
    floor_plans,
    grants,
    households,
    keys,
    me,
    moves,
    oidc,
    oidc_clients,
    passages,
    persons,
    signup,
    visitors,
)
from identity.auth.keystore import KeyStore
from identity.auth.verifier import local_verifier
from identity.config import Settings
from identity.consumers import register
from identity.db.models import metadata
from sc_core.auth.revocation import RevocationFeed, follow_revocations
from sc_core.service import Runtime, create_service_app

MIGRATIONS = Path(__file__).parent / "db" / "migrations"
ROUTERS = [
    auth.router,
    oidc.router,
    oidc_clients.router,
    keys.router,
    me.router,
    accounts.router,
    grants.router,
    communities.router,
    buildings.router,
    floor_plans.router,
    households.router,
    persons.router,
    moves.router,
    doors.router,
    visitors.router,
    passages.router,
    signup.router,
]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    keystore = KeyStore(settings, None)
    verifier = local_verifier(keystore)
    feeds: list[RevocationFeed] = []

    async def start(runtime: Runtime) -> None:
        keystore.db = runtime.db
        await keystore.ensure_key()
        await keystore.reload()
        # revoked tokens are refused here too, as at every verifier (issue 30.7)
        feed = await follow_revocations(settings, verifier)
        if feed is not None:
            feeds.append(feed)

    async def stop(runtime: Runtime) -> None:
        for feed in feeds:
            await feed.close()
        if verifier._client is not None:
            await verifier._client.aclose()

    # identity verifies its own tokens in-process (auth/verifier.py), never over JWKS_URL
    app = create_service_app(
        settings.model_copy(update={"jwks_url": None}),
        title="identity",
        metadata=metadata,
        migrations_dir=MIGRATIONS,
        routers=ROUTERS,
        consumers=register,
        on_start=[start],
        on_stop=[stop],
    )
    app.state.settings = settings
    app.state.keystore = keystore
    app.state.jwks_verifier = verifier
    return app
