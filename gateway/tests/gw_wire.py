"""What the gateway's upstream client is tested against (ADR 0071): a real uvicorn upstream
whose routes answer the ways HTTP/1.1 allows (a length, chunked, HEAD, 204/304,
`Connection: close`, broken off mid-answer, an upload echoed), and a TCP relay in front of
it that counts connections and can close a kept-alive connection as the next request
arrives (the keep-alive race a pool meets when an upstream or a balancer between closes
idle connections)."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request, Response
from fastapi.responses import StreamingResponse

PIECE = 64 * 1024
PIECES = 40  # 2.5 MiB: more than the gateway reads whole (1 MiB)


class Wire:
    """Routes of the upstream, and what the test releases or watches."""

    def __init__(self) -> None:
        self.release = asyncio.Event()  # the held stream goes on once set
        self.sent = 0

    def app(self) -> FastAPI:
        app = FastAPI(title="wire")

        @app.get("/healthz")
        async def healthz() -> dict[str, str]:
            return {"status": "ok"}

        @app.get("/api/v1/wire/small")
        async def small(request: Request) -> dict[str, object]:
            return {"ok": True, "request_id": request.headers.get("x-request-id")}

        @app.get("/api/v1/wire/chunked")
        async def chunked() -> StreamingResponse:
            async def pieces() -> AsyncIterator[bytes]:
                for n in range(PIECES):
                    self.sent = n + 1
                    yield bytes([65 + n % 26]) * PIECE
                    if n == 0:
                        await self.release.wait()  # held until the client saw piece 1

            return StreamingResponse(pieces(), media_type="application/octet-stream")

        @app.get("/api/v1/wire/document")
        async def document() -> Response:
            return Response(b"x" * 1234, media_type="text/plain")

        @app.head("/api/v1/wire/document")
        async def document_head() -> Response:
            return Response(headers={"content-length": "1234", "content-type": "text/plain"})

        @app.delete("/api/v1/wire/things/{thing}", status_code=204)
        async def delete(thing: str) -> Response:
            return Response(status_code=204)

        @app.get("/api/v1/wire/cached")
        async def cached() -> Response:
            return Response(status_code=304, headers={"etag": '"v1"'})

        @app.get("/api/v1/wire/closing")
        async def closing() -> Response:
            return Response(b'{"last": true}', headers={"connection": "close"})

        @app.post("/api/v1/wire/uploads")
        async def upload(request: Request) -> dict[str, object]:
            body = await request.body()
            return {"bytes": len(body), "sha256": hashlib.sha256(body).hexdigest()}

        @app.post("/api/v1/wire/things")
        async def create() -> dict[str, bool]:
            return {"created": True}

        @app.get("/api/v1/wire/broken")
        async def broken() -> StreamingResponse:
            async def begun() -> AsyncIterator[bytes]:
                yield b'{"items": ['
                raise RuntimeError("the upstream fails in the middle of its answer")

            return StreamingResponse(
                begun(), media_type="application/json", headers={"content-length": "1000"}
            )

        return app


class Relay:
    """TCP in front of the upstream: counts the connections that carried forwarded calls
    (``/api/v1/wire/...``; the gateway's own reads of the OpenAPI document are not
    counted); ``drop_next`` closes the next kept-alive connection that sends a second
    request, without passing the request on."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.accepted = 0
        self.dropped = 0
        self.drop_next = False
        self.server: asyncio.Server | None = None

    async def start(self) -> str:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        counted = False
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)

        async def back() -> None:
            while data := await up_reader.read(PIECE):
                writer.write(data)
                await writer.drain()
            writer.close()

        answering = asyncio.create_task(back())
        requests = 0
        try:
            while data := await reader.read(PIECE):
                if data.startswith((b"GET ", b"POST ", b"HEAD ", b"DELETE ", b"PUT ")):
                    requests += 1
                    if b" /api/v1/wire/" in data.split(b"\r\n", 1)[0] and not counted:
                        counted = True
                        self.accepted += 1
                    if requests > 1 and self.drop_next:
                        self.drop_next = False
                        self.dropped += 1
                        return
                up_writer.write(data)
                await up_writer.drain()
        finally:
            answering.cancel()
            up_writer.close()
            writer.close()

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
