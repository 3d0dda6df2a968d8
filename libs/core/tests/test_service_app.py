"""The service app every service gets: problem+json for bad input, health, readiness."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import asyncpg
import pytest
from asgi_lifespan import LifespanManager
from fastapi import APIRouter, Request
from httpx import ASGITransport, AsyncClient
from pydantic import BaseModel, Field
from sqlalchemy import text as sql_text
from sqlalchemy.engine import make_url

from sc_core.db.engine import PING_IDLE_AFTER_S
from sc_core.db.tables import new_metadata, platform_tables
from sc_core.errors import Problem
from sc_core.service import Runtime, create_service_app
from sc_core.settings import ServiceSettings


class ThingCreate(BaseModel):
    name: str = Field(min_length=1, max_length=50)
    floors: int = Field(ge=1, le=200)


router = APIRouter()


@router.post("/api/v1/things", status_code=201)
async def create(body: ThingCreate) -> dict[str, str]:
    if body.name == "taken":
        raise Problem(409, "thing.name_taken", "A thing with this name exists")
    return {"name": body.name}


@router.get("/api/v1/things/{thing_id}")
async def read(thing_id: int) -> dict[str, int]:
    return {"id": thing_id}


@router.get("/api/v1/echo")
async def echo(text_value: str, request: Request) -> dict[str, str]:
    async with request.app.state.runtime.db.uow() as uow:
        stored = await uow.session.scalar(sql_text("SELECT CAST(:v AS text)"), {"v": text_value})
    return {"text": str(stored)}


@router.get("/api/v1/floors")
async def floors(value: int, request: Request) -> dict[str, int]:
    async with request.app.state.runtime.db.uow() as uow:
        stored = await uow.session.scalar(sql_text("SELECT CAST(:v AS integer)"), {"v": value})
    return {"floors": int(stored)}


@router.get("/boom")
async def boom() -> None:
    raise RuntimeError("bug")


@pytest.fixture
async def client(
    fresh_database_url: str, kafka_bootstrap: str, kafka_idempotence: bool
) -> AsyncIterator[AsyncClient]:
    async with _client(fresh_database_url, kafka_bootstrap, kafka_idempotence) as c:
        yield c


@pytest.fixture
async def quiet_client(
    fresh_database_url: str, kafka_bootstrap: str, kafka_idempotence: bool
) -> AsyncIterator[AsyncClient]:
    """A service whose outbox relay does not poll: only requests use the pool."""
    async with _client(
        fresh_database_url, kafka_bootstrap, kafka_idempotence, outbox_poll_interval_ms=600_000
    ) as c:
        yield c


@contextlib.asynccontextmanager
async def _client(
    database_url: str, kafka_bootstrap: str, kafka_idempotence: bool, **extra: int
) -> AsyncIterator[AsyncClient]:
    metadata = new_metadata()
    platform_tables(metadata)
    settings = ServiceSettings(
        service_name="things",
        database_url=database_url,
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_enable_idempotence=kafka_idempotence,
        **extra,
    )
    app = create_service_app(
        settings, title="things", runtime=Runtime(settings, metadata), routers=[router]
    )
    async with (
        LifespanManager(app),
        AsyncClient(
            transport=ASGITransport(app=app, raise_app_exceptions=False), base_url="http://t"
        ) as c,
    ):
        yield c


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "code"),
    [
        (
            "post",
            "/api/v1/things",
            {"content": b"{oops", "headers": {"content-type": "application/json"}},
            400,
            "request.malformed_json",
        ),
        (
            "post",
            "/api/v1/things",
            {"json": {"name": "", "floors": 0}},
            422,
            "request.validation_failed",
        ),
        (
            "post",
            "/api/v1/things",
            {"json": ["not", "an", "object"]},
            422,
            "request.validation_failed",
        ),
        (
            "post",
            "/api/v1/things",
            {"json": {"name": "taken", "floors": 3}},
            409,
            "thing.name_taken",
        ),
        ("get", "/api/v1/things/abc", {}, 422, "request.validation_failed"),
        ("get", "/api/v1/nowhere", {}, 404, "http.not_found"),
        ("delete", "/api/v1/things", {}, 405, "http.method_not_allowed"),
        ("get", "/api/v1/echo?text_value=a%00b", {}, 422, "request.invalid_characters"),
        ("get", "/boom", {}, 500, "internal.error"),
        (  # Python's json would recurse 5,000 times (RecursionError, a 500 until issue 30)
            "post",
            "/api/v1/things",
            {"content": b"[" * 5000 + b"]" * 5000, "headers": {"content-type": "application/json"}},
            400,
            "request.too_deep",
        ),
        (
            "post",
            "/api/v1/things",
            {
                "content": b'{"name":' * 5000 + b'"x"' + b"}" * 5000,
                "headers": {"content-type": "application/json; charset=utf-8"},
            },
            400,
            "request.too_deep",
        ),
    ],
)
async def test_errors_are_problem_json_with_stable_codes(
    client: AsyncClient,
    method: str,
    path: str,
    kwargs: dict,
    status: int,
    code: str,  # type: ignore[type-arg]
) -> None:
    response = await client.request(method.upper(), path, **kwargs)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code
    assert body["status"] == status
    assert body["title"] and body["detail"]
    assert "Traceback" not in response.text and "bug" not in body["detail"]


async def test_bodies_are_limited_in_size_and_depth_before_parsing(
    kafka_bootstrap: str, kafka_idempotence: bool
) -> None:
    settings = ServiceSettings(
        service_name="things",
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_enable_idempotence=kafka_idempotence,
        max_body_bytes=1024,
        max_json_depth=4,
    )
    app = create_service_app(settings, title="things", routers=[router])
    async with (
        LifespanManager(app),
        AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as c,
    ):
        ok = await c.post("/api/v1/things", json={"name": "[[[[[[[[", "floors": 3})
        assert ok.status_code == 201, ok.text  # brackets inside a string do not nest
        deep = await c.post("/api/v1/things", json={"name": [[[[["x"]]]]], "floors": 3})
        assert deep.status_code == 400
        assert deep.json()["code"] == "request.too_deep"
        assert deep.json()["detail"] == "请求的 JSON 嵌套超过 4 层"  # zh-CN first
        english = await c.post(
            "/api/v1/things", json={"name": [[[[["x"]]]]]}, headers={"Accept-Language": "en"}
        )
        assert english.json()["detail"] == "The JSON body nests deeper than 4 levels"
        assert english.json()["messages"]["zh-CN"] == "请求的 JSON 嵌套超过 4 层"
        declared = await c.post("/api/v1/things", json={"name": "x" * 2000, "floors": 3})
        assert declared.status_code == 413
        assert declared.json()["code"] == "request.too_large"

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it comes
            yield b'{"name": "'
            for _ in range(20):
                yield b"x" * 100
            yield b'", "floors": 3}'

        streamed = await c.post(
            "/api/v1/things", content=chunks(), headers={"content-type": "application/json"}
        )
        assert streamed.status_code == 413
        assert streamed.json()["code"] == "request.too_large"


async def test_validation_problem_names_every_bad_field(client: AsyncClient) -> None:
    response = await client.post("/api/v1/things", json={"name": "", "floors": 0})
    fields = sorted(e["field"] for e in response.json()["errors"])
    assert fields == ["body.floors", "body.name"]


async def test_a_validation_problem_is_told_in_the_readers_language(client: AsyncClient) -> None:
    """zh-CN unless Accept-Language puts English first, the bounds filled in, both texts
    in ``messages`` (issue 18: no half-translated answer)."""
    bad = {"floors": 0}
    zh = (await client.post("/api/v1/things", json=bad)).json()
    assert zh["detail"] == "请求中有填写不正确的内容"
    by_field = {e["field"]: e for e in zh["errors"]}
    assert by_field["body.name"]["message"] == "必须填写"
    assert by_field["body.floors"]["message"] == "应不小于 1"
    assert by_field["body.floors"]["messages"]["en"] == "Input should be greater than or equal to 1"
    en = (
        await client.post("/api/v1/things", json=bad, headers={"Accept-Language": "en-GB,zh"})
    ).json()
    assert en["detail"] == "The request has invalid fields"
    assert {e["field"]: e["message"] for e in en["errors"]}["body.name"] == "Field required"
    no_route = await client.get("/api/v1/nowhere")
    assert (no_route.status_code, no_route.json()["detail"]) == (404, "找不到请求的内容")
    assert no_route.json()["messages"]["en"] == "Not Found"
    malformed = await client.post(
        "/api/v1/things", content=b"{", headers={"content-type": "application/json"}
    )
    assert (malformed.status_code, malformed.json()["detail"]) == (400, "请求内容不是有效的 JSON")


async def test_health_ready_and_metrics(client: AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"] == {"database": "ok", "broker": "ok", "consumers": "ok"}
    await client.get("/api/v1/things/7")
    metrics = (await client.get("/metrics")).text
    assert (
        'http_requests_total{method="GET",route="/api/v1/things/{thing_id}"' in metrics
        or 'route="/api/v1/things/{thing_id}"' in metrics
    )


async def test_readyz_reports_a_dead_broker(fresh_database_url: str) -> None:
    metadata = new_metadata()
    platform_tables(metadata)
    settings = ServiceSettings(
        service_name="things",
        database_url=fresh_database_url,
        kafka_bootstrap_servers="127.0.0.1:1",
        kafka_enable_idempotence=False,
    )
    app = create_service_app(settings, title="things", runtime=Runtime(settings, metadata))
    async with (
        LifespanManager(app),
        AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as c,
    ):
        ready = await c.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["code"] == "service.not_ready"
    assert ready.json()["checks"]["database"] == "ok"
    assert ready.json()["checks"]["broker"].startswith("failed")


async def test_readyz_reports_a_consumer_that_ended(
    fresh_database_url: str, kafka_bootstrap: str, kafka_idempotence: bool
) -> None:
    metadata = new_metadata()
    platform_tables(metadata)
    settings = ServiceSettings(
        service_name="things",
        database_url=fresh_database_url,
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_enable_idempotence=kafka_idempotence,
    )
    runtime = Runtime(settings, metadata)
    runtime.consumer(name="things", topics=["things.v1"])
    app = create_service_app(settings, title="things", runtime=runtime)
    async with (
        LifespanManager(app),
        AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as c,
    ):
        assert (await c.get("/readyz")).json()["checks"]["consumers"] == "ok"
        consumer = app.state.runtime.consumers[0]
        consumer._task.cancel()  # as if its task had ended
        with contextlib.suppress(asyncio.CancelledError):
            await consumer._task
        ready = await c.get("/readyz")
    assert ready.status_code == 503
    failed = "failed: RuntimeError: consumers not running: things"
    assert ready.json()["checks"]["consumers"] == failed


async def test_periodic_tasks_run_survive_a_failing_run_and_stop_with_the_service(
    kafka_bootstrap: str, kafka_idempotence: bool
) -> None:

    runs: list[int] = []

    async def job() -> None:
        runs.append(len(runs))
        if len(runs) == 2:
            raise ValueError("one bad run")

    async def start(runtime: Runtime) -> None:
        runtime.every(0.01, "counter", job)

    settings = ServiceSettings(
        service_name="ticker",
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_enable_idempotence=kafka_idempotence,
    )
    app = create_service_app(settings, title="ticker", on_start=[start])
    async with LifespanManager(app):
        for _ in range(200):
            if len(runs) >= 4:
                break
            await asyncio.sleep(0.01)
        assert len(runs) >= 4  # the failing second run did not stop the loop
    stopped_at = len(runs)
    await asyncio.sleep(0.05)
    assert len(runs) == stopped_at
    assert app.state.runtime.tasks == []


async def test_a_number_the_database_cannot_hold_is_a_422_not_a_500(client: AsyncClient) -> None:
    ok = await client.get("/api/v1/floors", params={"value": 12})
    assert ok.status_code == 200 and ok.json() == {"floors": 12}
    for value in (2**40, 2**70, -(2**40)):
        r = await client.get("/api/v1/floors", params={"value": value})
        assert r.status_code == 422, (value, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["code"] == "request.invalid_value"


async def _drop_connections(database_url: str) -> int:
    """Terminate every other server connection to this database (as a restart would)."""
    url = make_url(database_url).set(drivername="postgresql")
    admin = await asyncpg.connect(url.render_as_string(hide_password=False))
    try:
        return int(
            await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    finally:
        await admin.close()


async def test_a_dropped_connection_is_a_503_once_then_the_pool_reconnects(
    quiet_client: AsyncClient, fresh_database_url: str
) -> None:
    client = quiet_client
    assert (await client.get("/api/v1/floors", params={"value": 3})).status_code == 200
    assert await _drop_connections(fresh_database_url) >= 1
    # just used, so not pinged (a busy path pays no ping): the statement meets the drop
    r = await client.get("/api/v1/floors", params={"value": 3})
    assert r.status_code == 503, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "service.database_unavailable"
    assert r.headers["retry-after"] == "1"
    ok = await client.get("/api/v1/floors", params={"value": 4})
    assert ok.status_code == 200 and ok.json() == {"floors": 4}


async def test_an_idle_connection_is_pinged_and_replaced_before_use(
    quiet_client: AsyncClient, fresh_database_url: str
) -> None:
    client = quiet_client
    assert (await client.get("/api/v1/floors", params={"value": 3})).status_code == 200
    assert await _drop_connections(fresh_database_url) >= 1
    await asyncio.sleep(PING_IDLE_AFTER_S + 0.2)
    r = await client.get("/api/v1/floors", params={"value": 5})
    assert r.status_code == 200 and r.json() == {"floors": 5}
