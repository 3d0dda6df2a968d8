"""Who calls a use case, and from where: what it needs to check scope and to audit.

A route turns the request into a :class:`Caller` (``CurrentCaller``, or
``callers(...)`` when a coarse role check comes first) and hands it to the use case; the
use case never sees the request, so an event handler, a job or a test calls it the
same way::

    Manager = Annotated[Caller, Depends(callers("property_manager", "platform_admin"))]

    @router.post("/patrol-routes", status_code=201)
    async def create_route(body: RouteCreate, who: Manager, patrols: PatrolsDep) -> RouteRead:
        return await patrols.create_route(who, body)
"""

# no ``from __future__ import annotations``: FastAPI reads the dependency's annotations at
# run time, and they name a local (``allowed``)
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from sc_core.auth.deps import CurrentPrincipal, require_roles
from sc_core.auth.principal import Principal
from sc_core.net import client_address


@dataclass(frozen=True)
class Caller:
    """The verified principal, the client's address (:func:`sc_core.net.client_address`)
    and the request id: everything an audit record says about who and from where."""

    principal: Principal
    address: str | None = None
    request_id: str | None = None

    @property
    def subject(self) -> str:
        return self.principal.subject

    @classmethod
    def of(cls, request: Request, principal: Principal) -> "Caller":
        return cls(principal, client_address(request), request.headers.get("x-request-id"))


@dataclass(frozen=True)
class Anonymous:
    """A caller without a principal (signing in, a visitor's pass at a door): the client's
    address and the request id, which its audit record keeps; ``who`` of ``uow.audit``
    like a :class:`Caller`. :meth:`signed_in` names the principal once one is known (the
    account whose password was right)."""

    address: str | None = None
    request_id: str | None = None

    @property
    def principal(self) -> None:
        return None

    @classmethod
    def of(cls, request: Request) -> "Anonymous":
        return cls(client_address(request), request.headers.get("x-request-id"))

    def signed_in(self, principal: Principal) -> Caller:
        return Caller(principal, self.address, self.request_id)


async def current_caller(request: Request, principal: CurrentPrincipal) -> Caller:
    return Caller.of(request, principal)


async def anonymous_caller(request: Request) -> Anonymous:
    return Anonymous.of(request)


CurrentCaller = Annotated[Caller, Depends(current_caller)]
# a route without a login (the dependency reads only the request: no security scheme)
AnonymousCaller = Annotated[Anonymous, Depends(anonymous_caller)]


def callers(*roles: str) -> Callable[[Request, Principal], Awaitable[Caller]]:
    """A dependency: the caller when they hold one of ``roles``, 403 otherwise."""
    allowed = require_roles(*roles)

    async def dependency(
        request: Request, principal: Annotated[Principal, Depends(allowed)]
    ) -> Caller:
        return Caller.of(request, principal)

    dependency.__name__ = "callers_" + "_".join(roles)
    return dependency
