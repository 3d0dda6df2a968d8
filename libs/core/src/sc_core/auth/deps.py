"""FastAPI dependencies: who is calling, and may they?

The app puts its verifier on ``app.state.jwks_verifier`` at start-up::

    app.state.jwks_verifier = JWKSVerifier.from_settings(settings)

and routes declare what they need::

    @router.get("/alarms")
    async def list_alarms(principal: CurrentPrincipal): ...

    Staff = Annotated[Principal, Depends(require_roles("property_staff", "property_manager"))]

The verified principal is also left on ``request.state.principal`` for middleware
(audit, logging) that runs after the route.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from sc_core.auth.jwks import JWKSVerifier, unauthorized
from sc_core.auth.principal import Principal
from sc_core.errors import Forbidden


def _verifier(request: Request) -> JWKSVerifier:
    verifier = getattr(request.app.state, "jwks_verifier", None)
    if verifier is None:
        raise RuntimeError("app.state.jwks_verifier is not set; create a JWKSVerifier at start-up")
    return verifier


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized(
            "auth.invalid_token",
            "The Authorization header must be 'Bearer <token>'",
            zh="登录凭证格式不正确，请重新登录",
        )
    return token.strip()


async def optional_principal(request: Request) -> Principal | None:
    """The caller, or None when the request carries no Authorization header.

    A header that is present but invalid is still a 401: a broken token never silently
    becomes an anonymous request.
    """
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    token = _bearer(request)
    if token is None:
        return None
    principal = await _verifier(request).verify(token)
    request.state.principal = principal
    return principal


async def get_principal(request: Request) -> Principal:
    """The verified caller; 401 ``auth.unauthenticated`` without a token."""
    principal = await optional_principal(request)
    if principal is None:
        raise unauthorized(
            "auth.unauthenticated",
            "This request needs a bearer token",
            error="invalid_request",
            zh="请先登录",
        )
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]
OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]


def require_roles(*roles: str) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets through callers holding any of ``roles``; 403 otherwise.

    No role is implied: list ``platform_admin`` explicitly where it should pass.
    """
    if not roles:
        raise ValueError("require_roles needs at least one role")
    wanted = tuple(roles)

    async def dependency(principal: CurrentPrincipal) -> Principal:
        if not principal.has_role(*wanted):
            raise Forbidden(
                "auth.forbidden",
                "This action needs one of the roles: " + ", ".join(wanted),
                required_roles=list(wanted),
            )
        return principal

    dependency.__name__ = "require_roles_" + "_".join(wanted)
    dependency.required_roles = wanted  # type: ignore[attr-defined]  # read by sc_core.openapi
    return dependency
