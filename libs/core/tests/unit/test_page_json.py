"""``page_json`` writes a page with orjson (ADR 0086): the bytes must be pydantic-core's of
the same ``Page``, whatever kind of value an item holds, or a client would see a field
change shape when the route moved from ``Page.of`` to ``page_json``."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import math
import uuid
import zoneinfo
from typing import Any

import pytest

from sc_core.paging import ANY_PAGE, PageParams, PageTotal, page_json


class Colour(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


def pydantic_bytes(items: list[Any], total: int, params: PageParams) -> bytes:
    """The page as pydantic-core writes it (``page_json`` before ADR 0086)."""
    return ANY_PAGE.__pydantic_serializer__.to_json(ANY_PAGE.of(items, total, params))


VALUES: dict[str, Any] = {
    "uuid": uuid.UUID("6f1c2d4e-8a9b-4c3d-9e8f-102132435465"),
    "utc": dt.datetime(2026, 12, 7, 21, 5, 3, 4000, tzinfo=dt.UTC),
    "utc_zoneinfo": dt.datetime(2026, 12, 7, tzinfo=zoneinfo.ZoneInfo("UTC")),
    "shanghai": dt.datetime(2026, 12, 7, 8, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")),
    "naive": dt.datetime(2026, 12, 7, 8, 30),
    "date": dt.date(2026, 12, 7),
    "time": dt.time(7, 30, 0, 5),
    "decimal": decimal.Decimal("12.50"),
    "timedelta": dt.timedelta(minutes=90),
    "enum": Colour.RED,
    "int_enum": Level.HIGH,
    "set": {3},
    "bytes": b"ab",
    "floats": [1.0, 0.1, 1e20, -0.0, math.nan, math.inf],
    "big_int": 2**63,
    "text": "报事报修 <b>/\u2028",
    "nested": {"a": [1, {"b": None}], 7: "int key", uuid.UUID(int=5): True},
    "empty": {},
    "none": None,
    "bool": False,
}


@pytest.mark.parametrize("kind", sorted(VALUES))
def test_each_kind_of_value_is_written_as_pydantic_writes_it(kind: str) -> None:
    items = [{"id": 1, kind: VALUES[kind]}]
    params = PageParams(limit=20, offset=0)
    assert page_json(items, 1, params) == pydantic_bytes(items, 1, params)


def test_a_whole_item_of_every_kind_and_the_page_fields() -> None:
    items = [dict(VALUES), dict(VALUES, id=2)]
    for total, params in [
        (2, PageParams(limit=2, offset=0)),
        (40, PageParams(limit=2, offset=6)),
        (PageTotal(1_000, exact=False, next_cursor="abc"), PageParams(limit=2, offset=0)),
        (PageTotal(1_000, exact=False, next_cursor="abc"), PageParams(limit=2, cursor="xyz")),
    ]:
        written = page_json(items, total, params)
        assert written == pydantic_bytes(items, total, params)
    assert b'"next_cursor":"abc"' in written and b'"next_offset":null' in written


def test_a_value_orjson_refuses_is_written_by_pydantic_whole() -> None:
    """orjson raises for a ``time`` with a zone instead of asking its default: the page is
    then written by pydantic-core, not answered with a 500."""
    items = [{"opens": dt.time(8, 0, tzinfo=dt.UTC), "id": uuid.UUID(int=1)}]
    params = PageParams(limit=20, offset=0)
    written = page_json(items, 1, params)
    assert written == pydantic_bytes(items, 1, params)
    assert b'"opens":"08:00:00Z"' in written
