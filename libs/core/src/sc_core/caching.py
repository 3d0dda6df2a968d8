"""API answers are never stored by a browser or a proxy on the way.

An answer of the API may carry personal data (a household's members, a phone, a case's
photos' links); one kept in a shared cache or the browser's disk cache outlives the
session that was allowed to see it (issue 30.13). :class:`NoStoreMiddleware` adds
``Cache-Control: no-store`` to every answer under ``/api/`` that does not set its own
cache policy (an event stream's ``no-cache, no-transform``, a public document's
``max-age``), in every service (``create_service_app``) and in the gateway. Plain ASGI.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

NO_STORE = b"no-store"


class NoStoreMiddleware:
    def __init__(self, app: ASGIApp, *, prefixes: tuple[str, ...] = ("/api/",)) -> None:
        self.app = app
        self.prefixes = prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefixes):
            await self.app(scope, receive, send)
            return

        async def no_store(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                if not any(name.lower() == b"cache-control" for name, _ in headers):
                    headers.append((b"cache-control", NO_STORE))
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, no_store)
