"""``TimeZoneName``: only a zone ZoneInfo knows gets through a request model."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from sc_core.schema import TimeZoneName

ZONE = TypeAdapter(TimeZoneName)


@pytest.mark.parametrize("name", ["Asia/Shanghai", "Asia/Urumqi", "UTC"])
def test_a_known_zone_is_kept(name: str) -> None:
    assert ZONE.validate_python(name) == name


@pytest.mark.parametrize(
    "name",
    ["", "Mars/Olympus_Mons", "../../etc/passwd", "/etc/localtime", "Asia", "a\x00b", "x" * 65],
)
def test_anything_else_is_refused_naming_the_reason(name: str) -> None:
    with pytest.raises(ValidationError) as refused:
        ZONE.validate_python(name)
    assert refused.value.errors()[0]["type"] in ("time_zone", "string_too_short", "string_too_long")
