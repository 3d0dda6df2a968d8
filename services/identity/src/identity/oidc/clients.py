"""Relying parties registered by platform admins: schemas and use cases.

A public client (the console in a browser, a native app) has no secret and must use PKCE
(S256); a confidential client (a partner's server) authenticates with its secret, shown
once. Redirect URIs are matched exactly: https anywhere, http only on the loopback
interface (native apps, development; RFC 8252), or an app's private-use scheme.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import secrets
from datetime import datetime
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from identity.auth.passwords import hash_password_async, new_secret
from identity.db.oidc import OidcClient
from identity.oidc.models import SCOPES
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Conflict, NotFound

_PRIVATE_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+$")  # com.example.app


# RFC 3986's characters (unreserved, reserved, percent): anything else in a URI is encoded
_URI_CHARS = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+$")


def _redirect_uri(value: str) -> str:
    if not _URI_CHARS.match(value):
        raise ValueError("a redirect URI holds only URI characters (RFC 3986)")
    parts = urlsplit(value)
    if parts.fragment or "#" in value:
        raise ValueError("a redirect URI has no fragment")
    if parts.scheme == "https" and parts.hostname:
        return value
    if parts.scheme == "http" and parts.hostname:
        host = parts.hostname
        loopback = host == "localhost"
        with contextlib.suppress(ValueError):
            loopback = loopback or ipaddress.ip_address(host).is_loopback
        if loopback:
            return value
        raise ValueError("http redirect URIs are allowed on the loopback interface only")
    if _PRIVATE_SCHEME.match(parts.scheme):
        return value
    raise ValueError("a redirect URI is https, http on loopback, or an app's own scheme")


RedirectUri = Annotated[str, Field(min_length=8, max_length=500), AfterValidator(_redirect_uri)]
Scope = Literal["openid", "profile", "roles"]


class ClientCreate(BaseModel):
    client_id: str | None = Field(
        default=None,
        min_length=3,
        max_length=64,
        pattern=r"^[A-Za-z0-9_.-]+$",
        description="Chosen by the admin, or generated.",
    )
    name: str = Field(min_length=1, max_length=100, description="Shown on the login page (zh)")
    name_en: str | None = Field(default=None, min_length=1, max_length=100)
    public: bool = Field(default=False, description="No secret; PKCE S256 required")
    first_party: bool = Field(default=False, description="The platform's own: no consent page")
    redirect_uris: list[RedirectUri] = Field(min_length=1, max_length=10)
    post_logout_redirect_uris: list[RedirectUri] = Field(default_factory=list, max_length=10)
    scopes: list[Scope] = Field(default_factory=lambda: list(SCOPES), min_length=1)
    id_token_alg: Literal["RS256", "EdDSA"] = "RS256"  # noqa: S105 (an algorithm name)


class ClientUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    name_en: str | None = Field(default=None, min_length=1, max_length=100)
    redirect_uris: list[RedirectUri] | None = Field(default=None, min_length=1, max_length=10)
    post_logout_redirect_uris: list[RedirectUri] | None = Field(default=None, max_length=10)
    status: Literal["active", "disabled"] | None = None


class ClientRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    client_id: str
    name: str
    name_en: str | None
    public: bool
    first_party: bool
    redirect_uris: list[str]
    post_logout_redirect_uris: list[str]
    scopes: list[str]
    id_token_alg: str
    status: str
    created_at: datetime
    created_by: str

    @classmethod
    def of(cls, row: OidcClient) -> ClientRead:
        return cls.model_validate(
            {
                **{c: getattr(row, c) for c in cls.model_fields if c != "public"},
                "public": row.secret_hash is None,
            }
        )


class ClientCreated(ClientRead):
    client_secret: str | None = Field(description="Confidential clients: shown once; store it.")


async def register(
    uow: UnitOfWork, body: ClientCreate, actor: str
) -> tuple[OidcClient, str | None]:
    client_id = body.client_id or f"client-{secrets.token_hex(6)}"
    if await uow.session.get(OidcClient, client_id) is not None:
        raise Conflict(
            "oidc.client_exists", "A client with this id exists", zh="该应用标识已被使用"
        )
    secret = None if body.public else new_secret()
    row = OidcClient(
        client_id=client_id,
        name=body.name,
        name_en=body.name_en,
        secret_hash=await hash_password_async(secret) if secret else None,
        first_party=body.first_party,
        redirect_uris=list(dict.fromkeys(body.redirect_uris)),
        post_logout_redirect_uris=list(dict.fromkeys(body.post_logout_redirect_uris)),
        scopes=sorted(set(body.scopes) | {"openid"}),
        id_token_alg=body.id_token_alg,
        created_by=actor,
    )
    uow.session.add(row)
    return row, secret


async def load(uow: UnitOfWork, client_id: str) -> OidcClient:
    row = await uow.session.get(OidcClient, client_id)
    if row is None:
        raise NotFound("oidc.client_not_found", "No such client", zh="找不到该接入应用")
    return row


def update(row: OidcClient, body: ClientUpdate) -> list[str]:
    changed = body.model_dump(exclude_unset=True, exclude_none=True)
    for field, value in changed.items():
        setattr(row, field, list(dict.fromkeys(value)) if isinstance(value, list) else value)
    return sorted(changed)
