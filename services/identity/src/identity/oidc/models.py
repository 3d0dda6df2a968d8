"""Authlib's view of identity's rows: clients, authorization codes and the signed-in user."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from authlib.oauth2.rfc6749 import ClientMixin
from authlib.oauth2.rfc6749.util import list_to_scope, scope_to_list
from authlib.oidc.core import AuthorizationCodeMixin

from identity.auth.passwords import verify_password
from identity.db.auth import Account, Grant
from identity.db.oidc import AuthorizationCode, OidcClient

SCOPES = ("openid", "profile", "roles")
SECRET_METHODS = ("client_secret_basic", "client_secret_post")


@dataclass
class Client(ClientMixin):
    row: OidcClient

    @property
    def public(self) -> bool:
        return self.row.secret_hash is None

    @property
    def id_token_signed_response_alg(self) -> str:
        return self.row.id_token_alg

    @property
    def client_metadata(self) -> dict[str, Any]:
        return {"post_logout_redirect_uris": list(self.row.post_logout_redirect_uris)}

    def get_client_id(self) -> str:
        return self.row.client_id

    def get_default_redirect_uri(self) -> str | None:
        return None  # OpenID Connect: redirect_uri is always sent, and matched exactly

    def get_allowed_scope(self, scope: str | None) -> str:
        wanted = scope_to_list(scope) or []
        return str(list_to_scope([s for s in wanted if s in self.row.scopes]))

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.row.redirect_uris  # exact match, no prefixes

    def check_client_secret(self, client_secret: str) -> bool:
        return self.row.secret_hash is not None and verify_password(
            client_secret, self.row.secret_hash
        )

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if endpoint != "token":
            return True
        return method == "none" if self.public else method in SECRET_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in ("authorization_code", "refresh_token")


@dataclass
class Code(AuthorizationCodeMixin):
    row: AuthorizationCode

    def get_redirect_uri(self) -> str:
        return self.row.redirect_uri

    def get_scope(self) -> str:
        return self.row.scope

    def get_nonce(self) -> str | None:
        return self.row.nonce

    def get_auth_time(self) -> int:
        return int(self.row.auth_time.timestamp())

    def get_acr(self) -> str | None:
        return None

    def get_amr(self) -> list[str]:
        return list(self.row.amr)


@dataclass
class User:
    """The person signing in, as the grants and token generators need them."""

    account: Account
    grants: list[Grant]
    auth_time: datetime
    amr: list[str] = field(default_factory=list)
    sso_session_id: uuid.UUID | None = None

    @property
    def id(self) -> uuid.UUID:
        return self.account.id
