"""The claims about a person that ID tokens and userinfo carry, by scope."""

from __future__ import annotations

from typing import Any

from authlib.oauth2.rfc6749.util import scope_to_list

from identity.auth.tokens import grant_claims
from identity.db.auth import Account, Grant


def user_claims(account: Account, grants: list[Grant], scope: str) -> dict[str, Any]:
    """``sub`` always; ``name`` and ``preferred_username`` with ``profile``; the platform's
    ``roles`` and ``grants`` (role over a place) with ``roles``."""
    scopes = set(scope_to_list(scope) or [])
    out: dict[str, Any] = {"sub": str(account.id)}
    if "profile" in scopes:
        out["name"] = account.display_name
        out["preferred_username"] = account.username
    if "roles" in scopes:
        granted = grant_claims(grants)
        out["roles"] = sorted({g["role"] for g in granted})
        out["grants"] = granted
    return out
