"""Issue 30: every input a client sends has a bound the schema states; the scanner names
each one without, and the bounded types of ``sc_core.schema`` refuse what lies outside."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

import pytest
from fastapi import FastAPI, Query
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from sc_core.field_errors import zh_message
from sc_core.request_bounds import unbounded_inputs
from sc_core.schema import AwareInstant, Day, Instant, JsonBounds, JsonObject


class Loose(BaseModel):
    name: str
    price: Decimal
    count: int
    since: date
    at: datetime | None = None
    data: dict[str, Any]
    anything: Any = None


class Tight(BaseModel):
    name: str = Field(max_length=64)
    price: Decimal = Field(ge=0, le=1000)
    code: str = Field(pattern=r"^[a-z]{2,8}$")
    count: int = Field(ge=0, le=10)
    since: Day
    at: Instant | None = None
    data: JsonObject
    kind: str = Field(default="a", json_schema_extra={"enum": ["a", "b"]})


def _app() -> FastAPI:
    app = FastAPI()

    @app.post("/loose/{ref}")
    def loose(ref: str, body: Loose, q: str | None = None, n: int = 1) -> None:
        return None

    @app.post("/tight/{ref}")
    def tight(
        ref: Annotated[str, Field(max_length=64)],
        body: Tight,
        q: Annotated[str | None, Query(max_length=64)] = None,
        day: Annotated[Day | None, Query(alias="from")] = None,
    ) -> None:
        return None

    return app


def test_the_scanner_names_each_unbounded_input_and_its_fix() -> None:
    found = unbounded_inputs(_app().openapi())
    assert all(line.startswith("POST /loose/{ref} ") for line in found), found
    where = sorted(line.split(" ")[2].rstrip(":") for line in found)
    assert where == sorted(
        [
            "body.name",
            "body.price",
            "body.count",
            "body.since",
            "body.at",
            "body.data",
            "body.anything",
            "path:ref",
            "query:q",
            "query:n",
        ]
    )
    by_where = {line.split(" ")[2].rstrip(":"): line for line in found}
    assert "max_length=" in by_where["query:q"]
    assert "sc_core.schema.Day" in by_where["body.since"]
    assert "ge= and le=" in by_where["body.count"]
    assert "sc_core.schema.JsonObject" in by_where["body.data"]
    assert "Any" in by_where["body.anything"]


@pytest.mark.parametrize("kind", [Day, Instant, AwareInstant])
def test_dates_outside_1900_to_2200_are_refused(kind: Any) -> None:
    adapter = TypeAdapter(kind)
    assert adapter.validate_python("2026-12-04" if kind is Day else "2026-12-04T08:00:00+08:00")
    for text in ("1899-12-31", "2201-01-01", "9999-12-31"):
        value = text if kind is Day else f"{text}T00:00:00+08:00"
        with pytest.raises(ValidationError) as refused:
            adapter.validate_python(value)
        error = refused.value.errors()[0]
        assert error["type"] == "date_range"
        assert zh_message(error["type"], error["ctx"]) == "日期应在 1900 至 2200 年之间"
    schema = adapter.json_schema()
    assert schema["formatMinimum"].startswith("1900-01-01")
    assert schema["formatMaximum"].startswith("2200-12-31")


def test_a_json_object_is_kept_within_its_bounds() -> None:
    adapter = TypeAdapter(JsonObject)
    kept = {"a": 1, "b": [1, 2, {"c": "d"}], "e": {"f": None}}
    assert adapter.validate_python(kept) == kept
    too_deep = {"a": {"b": {"c": {"d": {"e": 1}}}}}
    too_wide = {f"k{i}": i for i in range(65)}
    long_key = {"k" * 65: 1}
    too_big = {f"k{i}": "x" * 400 for i in range(60)}
    for value in (too_deep, too_wide, long_key, too_big):
        with pytest.raises(ValidationError) as refused:
            adapter.validate_python(value)
        error = refused.value.errors()[0]
        assert error["type"] == "json_bounds"
        assert "最多 4 层" in zh_message(error["type"], error["ctx"])
    deeper = TypeAdapter(Annotated[dict[str, Any], JsonBounds(max_depth=6)])
    assert deeper.validate_python(too_deep) == too_deep
    schema = adapter.json_schema()
    assert schema["maxProperties"] == 64 and schema["propertyNames"] == {"maxLength": 64}


def test_an_aware_instant_needs_its_offset() -> None:
    with pytest.raises(ValidationError) as refused:
        TypeAdapter(AwareInstant).validate_python("2026-12-04T08:00:00")
    assert refused.value.errors()[0]["type"] == "timezone_aware"
