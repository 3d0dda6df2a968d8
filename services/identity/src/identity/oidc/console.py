"""The web console as a relying party of its own platform: a first-party public client
(PKCE, no consent page) whose redirect and logout URIs are on the gateway that serves it
(``PUBLIC_BASE_URL``/console/...). Registered, or its URIs brought up to date, whenever
identity starts (``CONSOLE_CLIENT_ENABLED``), so a fresh deployment's console can sign in
with no manual step; concurrent replicas write the same row (insert or update)."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert

from identity.db.oidc import OidcClient
from sc_core.db.engine import Database

CONSOLE_CLIENT = "console"
REGISTERED_BY = "identity"


async def ensure_console_client(db: Database, public_base_url: str) -> None:
    base = public_base_url.rstrip("/")
    uris = {
        "redirect_uris": [f"{base}/console/callback"],
        "post_logout_redirect_uris": [f"{base}/console/login"],
    }
    async with db.uow() as uow:
        await uow.session.execute(
            insert(OidcClient)
            .values(
                client_id=CONSOLE_CLIENT,
                name="智慧社区管理后台",
                name_en="Smart Community console",
                secret_hash=None,
                first_party=True,
                scopes=["openid", "profile", "roles"],
                id_token_alg="RS256",  # noqa: S106 (an algorithm name)
                status="active",
                created_by=REGISTERED_BY,
                **uris,
            )
            .on_conflict_do_update(index_elements=[OidcClient.client_id], set_=uris)
        )
        await uow.commit()
