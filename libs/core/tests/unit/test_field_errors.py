"""A value outside a field's choices is said in words, never as the machine values: the
vocabulary's words where it knows the choices, "not one of the allowed values" otherwise;
the machine values go in ``allowed`` (issue 18, item 5)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Literal

import pytest
from pydantic import BaseModel, ValidationError

from sc_core.field_errors import field_errors


class Severity(StrEnum):
    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"


class PlanType(StrEnum):
    FLOOD = "flood"
    FIRE_DRILL = "fire_drill"


class Body(BaseModel):
    severity: Severity | None = None
    plan_type: PlanType | None = None
    side: Literal["in", "out"] | None = None
    level: Literal[1, 2, 3] | None = None


def _errors(data: dict[str, object], locale: str) -> list[dict[str, object]]:
    with pytest.raises(ValidationError) as caught:
        Body.model_validate(data)
    return field_errors(list(caught.value.errors()), locale)


def test_choices_the_vocabulary_knows_are_named_in_words() -> None:
    [zh] = _errors({"severity": "volcano"}, "zh-CN")
    assert zh["field"] == "severity" and zh["type"] == "enum"
    assert zh["message"] == "应为以下之一：严重、重要、一般"
    assert zh["messages"]["en"] == "Input should be one of: critical, major, minor"
    assert zh["allowed"] == ["critical", "major", "minor"]
    [en] = _errors({"severity": "volcano"}, "en")
    assert en["message"] == "Input should be one of: critical, major, minor"


@pytest.mark.parametrize(
    ("data", "allowed"),
    [
        ({"plan_type": "volcano"}, ["flood", "fire_drill"]),
        ({"side": "up"}, ["in", "out"]),
        ({"level": 7}, ["1", "2", "3"]),
    ],
)
def test_other_choices_are_not_listed_in_the_sentence(
    data: dict[str, object], allowed: list[str]
) -> None:
    [err] = _errors(data, "zh-CN")
    assert err["message"] == "不是允许的取值"
    assert err["messages"]["en"] == "Input is not one of the allowed values"
    assert err["allowed"] == allowed
    words = set(re.findall(r"[A-Za-z0-9_]+", str(err["messages"])))
    assert not words & set(allowed)


def test_other_errors_carry_no_allowed_member() -> None:
    with pytest.raises(ValidationError) as caught:
        Body.model_validate({"level": "x" * 3, "severity": 5})
    errors = field_errors(list(caught.value.errors()), "zh-CN")
    assert all(("allowed" in e) == (e["type"] in ("enum", "literal_error")) for e in errors)
