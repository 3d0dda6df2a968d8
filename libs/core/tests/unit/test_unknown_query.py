"""A list refuses a query parameter it does not declare (issue 19 item 4): a misspelt or
unsupported filter is a 422 naming it, never the whole list with the filter ignored."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Query
from httpx import ASGITransport, AsyncClient
from pydantic import BaseModel, Field

from sc_core.api import Paging
from sc_core.errors import install_problem_handlers


class Window(BaseModel):
    since: str | None = None
    until_day: str | None = Field(default=None, alias="until")


async def scope(community_id: str | None = None) -> str | None:
    return community_id


app = FastAPI()
install_problem_handlers(app)


@app.get("/rooms")
async def rooms(
    paging: Paging,
    where: Annotated[str | None, Depends(scope)],
    building_id: Annotated[str | None, Query(alias="building")] = None,
    status: Annotated[list[str] | None, Query()] = None,
) -> dict[str, object]:
    return {"limit": paging.limit, "where": where, "building": building_id, "status": status}


@app.get("/events")
async def events(paging: Paging, window: Annotated[Window, Query()]) -> dict[str, object]:
    return {"since": window.since, "until": window.until_day}


@app.get("/not-a-list")
async def not_a_list(q: str | None = None) -> dict[str, object]:
    return {"q": q}


async def _get(path: str, **headers: str) -> tuple[int, dict[str, object], str]:
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as client:
        answer = await client.get(path, headers=headers)
    return answer.status_code, answer.json(), answer.headers["content-type"]


async def test_declared_parameters_and_dependencies_parameters_pass() -> None:
    status, body, _ = await _get(
        "/rooms?limit=5&offset=0&community_id=c1&building=b1&status=open&status=done"
    )
    assert status == 200
    assert body == {"limit": 5, "where": "c1", "building": "b1", "status": ["open", "done"]}


async def test_unknown_filter_is_refused_by_name_in_chinese_first() -> None:
    status, body, media = await _get("/rooms?standard_code=X&community_id=c1")
    assert status == 422
    assert media.startswith("application/problem+json")
    assert body["code"] == "request.unknown_parameter"
    assert body["parameters"] == ["standard_code"]
    assert body["errors"] == [
        {
            "field": "query.standard_code",
            "message": "Unknown query parameter: standard_code",
            "type": "unknown_parameter",
        }
    ]
    assert "standard_code" in str(body["detail"]) and "此列表不支持查询参数" in str(body["detail"])
    assert body["accepted"] == ["building", "community_id", "cursor", "limit", "offset", "status"]


async def test_english_reader_and_several_unknown_names() -> None:
    status, body, _ = await _get("/rooms?zeta=1&alpha=2", **{"Accept-Language": "en-GB,en"})
    assert status == 422
    assert body["parameters"] == ["alpha", "zeta"]
    assert body["detail"] == (
        "This list does not accept the query parameter alpha, zeta; it accepts: "
        "building, community_id, cursor, limit, offset, status"
    )


async def test_the_python_name_of_an_aliased_parameter_is_unknown() -> None:
    status, body, _ = await _get("/rooms?building_id=b1")
    assert status == 422
    assert body["parameters"] == ["building_id"]


async def test_a_query_model_names_its_fields() -> None:
    assert (await _get("/events?since=a&until=b"))[:2] == (200, {"since": "a", "until": "b"})
    status, body, _ = await _get("/events?until_day=b")
    assert status == 422 and body["parameters"] == ["until_day"]


async def test_a_route_without_paging_is_untouched() -> None:
    assert (await _get("/not-a-list?q=1&other=2"))[:2] == (200, {"q": "1"})
