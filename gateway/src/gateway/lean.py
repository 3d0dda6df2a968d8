"""Forwarded calls skip FastAPI's outer stack (ADR 0063).

A call the gateway forwards used to pass FastAPI's own telemetry wrapper, Starlette's
error middleware, FastAPI's exception-telemetry and body-limit middleware, the gateway's
five middleware and only then the front door, which tried each of the gateway's own
routes before forwarding. :class:`GatewayApp` sends such a call down a stack of its own
instead: the same middleware objects' classes, built from the same list
(``app.user_middleware``: request id, CORS, limits, metrics, no-store), inside Starlette's
error middleware with the app's own 500 handler (problem+json), under one server span
(:class:`ForwardSpan`). The gateway's own routes (``/healthz``, the overview, the console
...) and every other scope (lifespan) take FastAPI's whole stack as before.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.middleware.errors import ServerErrorMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.entry import FrontDoor
from gateway.forward_span import ForwardSpan
from gateway.own_routes import OwnRoutes
from sc_core.observability import TracedApp

Endpoint = Callable[[Scope, Receive, Send], Awaitable[None]]


class GatewayApp(TracedApp):
    """The gateway's FastAPI app; a call none of its own routes serves goes down the
    forwarded calls' stack (built on the first call, as Starlette builds its own). Its own
    routes are traced as every service's are (``TracedApp``, ADR 0082)."""

    forward_endpoint: Endpoint | None = None
    own_routes: OwnRoutes | None = None
    _forwarded: ASGIApp | None = None

    def forward_with(self, endpoint: Endpoint) -> None:
        self.forward_endpoint = endpoint
        self.own_routes = OwnRoutes(self)

    def forwarded_stack(self, endpoint: Endpoint) -> ASGIApp:
        error_handler = self.exception_handlers.get(Exception) or self.exception_handlers.get(500)
        app: ASGIApp = endpoint
        for cls, args, kwargs in reversed(self.user_middleware):
            if cls is not FrontDoor:  # the forwarded stack ends at the endpoint itself
                app = cls(app, *args, **kwargs)
        app = ServerErrorMiddleware(app, handler=error_handler, debug=self.debug)
        return ForwardSpan(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        endpoint, own = self.forward_endpoint, self.own_routes
        if scope["type"] != "http" or endpoint is None or own is None or own(scope):
            await super().__call__(scope, receive, send)
            return
        if self._forwarded is None:
            self._forwarded = self.forwarded_stack(endpoint)
        scope["app"] = self
        await self._forwarded(scope, receive, send)
