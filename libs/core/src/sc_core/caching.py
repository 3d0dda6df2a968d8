"""API answers are never stored by a browser or a proxy on the way.

An answer of the API may carry personal data (a household's members, a phone, a case's
photos' links); one kept in a shared cache or the browser's disk cache outlives the
session that was allowed to see it (issue 30.13). :class:`NoStoreMiddleware` adds
``Cache-Control: no-store`` to every answer under ``/api/`` that does not set its own
cache policy (an event stream's ``no-cache, no-transform``, a public document's
``max-age``), in every service (``create_service_app``) and in the gateway. Plain ASGI.

A document that is public and large (an OpenAPI document) is written once and answered
with its ``ETag``: a client that holds it gets a 304 without a body
(:func:`document_response`, ADR 0077).
"""

from __future__ import annotations

import hashlib

from starlette.requests import Request
from starlette.responses import Response
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


def etag_of(body: bytes) -> str:
    """A strong entity tag for ``body``."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag in tags


def document_response(request: Request, body: bytes, etag: str) -> Response:
    """A JSON document written before (``body``, ``etag``): 304 without a body when the
    caller's ``If-None-Match`` names it, else the document. ``no-cache``: a cache keeps
    it but asks again every time."""
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)
