"""A device's access token in the path is a credential: a problem's ``instance`` keeps the
placeholder, whether the route refused or a middleware before it (issue 19 item 9)."""

from __future__ import annotations

from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from pydantic import BaseModel

from sc_core.errors import install_problem_handlers
from sc_core.limits import RequestLimitsMiddleware


class Reading(BaseModel):
    value: float


app = FastAPI()
install_problem_handlers(app)
app.add_middleware(RequestLimitsMiddleware, max_body_bytes=100)


@app.post("/api/v1/{token}/telemetry")
async def telemetry(token: str, reading: Reading) -> dict[str, float]:
    return {"value": reading.value}


@app.post("/api/v1/things/{thing_id}")
async def thing(thing_id: int, reading: Reading) -> dict[str, float]:
    return {"value": reading.value}


async def _post(path: str, body: object) -> dict[str, object]:
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as client:
        answer = await client.post(path, json=body)
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert "S3cretTok" not in answer.text
    data: dict[str, object] = answer.json()
    return data


async def test_a_refused_reading_does_not_echo_the_token() -> None:
    problem = await _post("/api/v1/S3cretTok/telemetry", {"value": "warm"})
    assert problem["code"] == "request.validation_failed"
    assert problem["instance"] == "/api/v1/{token}/telemetry"


async def test_a_refusal_before_routing_does_not_echo_it_either() -> None:
    problem = await _post("/api/v1/S3cretTok/telemetry", {"value": 1, "pad": "x" * 200})
    assert problem["code"] == "request.too_large"
    assert problem["instance"] == "/api/v1/{token}/telemetry"


async def test_other_paths_are_the_request_path() -> None:
    problem = await _post("/api/v1/things/7", {"value": "warm"})
    assert problem["instance"] == "/api/v1/things/7"
    missing = await _post("/api/v1/nothing/here/at/all", {})
    assert missing["instance"] == "/api/v1/nothing/here/at/all"
