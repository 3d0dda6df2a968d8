"""Request bodies are limited before anything parses them: size, and JSON nesting depth.

Python's ``json`` recurses once per nesting level: a body of 5,000 ``[`` raised
``RecursionError`` inside the route, which became a 500 (and, at the gateway, counted
against the upstream's circuit breaker, so five anonymous requests took login down).
:class:`RequestLimitsMiddleware` refuses such a body with a 400 problem before the app
sees it, and a body larger than the limit with a 413, declared or streamed. The same
middleware runs in every service (``create_service_app``) and in the gateway.

The depth check costs nothing on an ordinary body: a body with fewer opening brackets than
the limit cannot be deeper (two ``bytes.count``). Otherwise strings are cut out (a
bracket inside a string does not nest) and innermost ``[]`` pairs are removed pass by pass:
after ``max_depth`` passes only a deeper (or unbalanced) body has anything left.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sc_core.errors import Problem, problem_response

MAX_JSON_DEPTH = 32
"""Deeper than any body of this platform's API (alarm rules nest a few levels)."""

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_SQUARE = bytes.maketrans(b"{}", b"[]")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_BODYLESS = frozenset({"GET", "HEAD", "OPTIONS"})


def json_too_deep(body: bytes, max_depth: int = MAX_JSON_DEPTH) -> bool:
    """Whether ``body`` (JSON text) nests arrays and objects deeper than ``max_depth``.

    Malformed text may be reported either way; the JSON parser refuses it afterwards.
    """
    if body.count(b"[") + body.count(b"{") <= max_depth:
        return False
    if b'"' in body:
        body = _STRING.sub(b"", body)
    brackets = body.translate(_SQUARE, _NOT_BRACKETS)
    if brackets.count(b"[") <= max_depth:
        return False
    for _ in range(max_depth):
        brackets = brackets.replace(b"[]", b"")
        if not brackets:
            return False
    return True


def _is_json(content_type: bytes) -> bool:
    media = content_type.split(b";", 1)[0].strip().lower()
    return media == b"application/json" or media.endswith(b"+json")


class RequestLimitsMiddleware:
    """413 for a body above ``max_body_bytes``; 400 ``request.too_deep`` for a JSON body
    nested deeper than ``max_json_depth``. Plain ASGI; a request without a body passes
    straight through."""

    def __init__(
        self, app: ASGIApp, *, max_body_bytes: int, max_json_depth: int = MAX_JSON_DEPTH
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_json_depth = max_json_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in _BODYLESS:
            await self.app(scope, receive, send)
            return
        length: int | None = None
        content_type = b""
        chunked = False
        for name, value in scope["headers"]:
            if name == b"content-length":
                length = int(value) if value.isdigit() else -1
            elif name == b"content-type":
                content_type = value
            elif name == b"transfer-encoding":
                chunked = True
        if length is None and not chunked:  # no body
            await self.app(scope, receive, send)
            return
        if length is not None and (length < 0 or length > self.max_body_bytes):
            await self._refuse(scope, receive, send, self._too_large())
            return
        if not _is_json(content_type):
            await self.app(scope, self._counting(receive), send)
            return
        body = await self._read(receive)
        if body is None:
            await self._refuse(scope, receive, send, self._too_large())
            return
        if json_too_deep(body, self.max_json_depth):
            problem = Problem(
                400,
                "request.too_deep",
                f"The JSON body nests deeper than {self.max_json_depth} levels",
                zh=f"请求的 JSON 嵌套超过 {self.max_json_depth} 层",
                max_depth=self.max_json_depth,
            )
            await self._refuse(scope, receive, send, problem)
            return
        await self.app(scope, self._replay(body, receive), send)

    def _too_large(self) -> Problem:
        return Problem(
            413,
            "request.too_large",
            f"The request body exceeds {self.max_body_bytes} bytes",
            zh=f"请求体超过 {self.max_body_bytes} 字节",
        )

    async def _read(self, receive: Receive) -> bytes | None:
        """The whole body, or None when it exceeds the limit."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(chunks)  # the client left; the app sees what came
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    @staticmethod
    def _replay(body: bytes, receive: Receive) -> Receive:
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return replay

    def _counting(self, receive: Receive) -> Receive:
        size = 0

        async def counting() -> Message:
            nonlocal size
            message = await receive()
            if message["type"] == "http.request":
                size += len(message.get("body", b""))
                if size > self.max_body_bytes:
                    raise self._too_large()  # raised inside the route: a 413 problem
            return message

        return counting

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, problem: Problem) -> None:
        await problem_response(problem, Request(scope))(scope, receive, send)
