"""sc_devinfra.asgi: an app on a loopback port for a test, stopped once."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from sc_devinfra.asgi import serving


async def test_an_app_answers_on_loopback_until_it_is_stopped() -> None:
    app = FastAPI()

    @app.get("/ping")
    async def ping() -> dict[str, str]:
        return {"pong": "yes"}

    async with serving(app) as served:
        assert served.url.startswith("http://127.0.0.1:")
        async with httpx.AsyncClient() as client:
            assert (await client.get(f"{served.url}/ping")).json() == {"pong": "yes"}
        await served.stop()  # a stand-in upstream going down mid-test
        async with httpx.AsyncClient() as client:
            try:
                await client.get(f"{served.url}/ping")
            except httpx.ConnectError:
                pass
            else:
                raise AssertionError("the stopped app still answered")
    # leaving the block stops it again: nothing to do, no error
