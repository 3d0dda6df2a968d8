"""GB/T 4754-2017 (国民经济行业分类): the table's shape and the code check."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from sc_core.field_errors import field_errors
from sc_core.industry import (
    DIVISIONS,
    SECTIONS,
    IndustryCode,
    UnknownIndustry,
    division,
    division_codes,
    parse_industry_code,
)


def test_the_table_has_the_standards_20_sections_and_97_divisions() -> None:
    assert list(SECTIONS) == list("ABCDEFGHIJKLMNOPQRST")
    assert list(DIVISIONS) == [f"{n:02d}" for n in range(1, 98)]
    assert sum(len(division_codes(s)) for s in SECTIONS) == 97
    assert DIVISIONS["52"].zh == "零售业" and DIVISIONS["52"].section.zh == "批发和零售业"
    assert DIVISIONS["95"].section.code == "S"
    assert all(d.zh and d.en for d in DIVISIONS.values())


@pytest.mark.parametrize(
    ("given", "kept"), [("52", "52"), ("5211", "52"), ("521", "52"), (" f52 ", "52"), ("01", "01")]
)
def test_a_division_group_or_class_code_is_kept_as_its_division(given: str, kept: str) -> None:
    assert parse_industry_code(given) == kept


@pytest.mark.parametrize("bad", ["98", "00", "5", "52111", "G52", "AB", "", "５２"])
def test_an_unknown_code_is_refused_in_words(bad: str) -> None:
    with pytest.raises(UnknownIndustry) as caught:
        parse_industry_code(bad)
    assert "国民经济行业分类" in caught.value.zh and "GB/T 4754-2017" in caught.value.en


def test_the_pydantic_type_refuses_with_a_field_error_in_both_languages() -> None:
    class Form(BaseModel):
        industry_code: IndustryCode

    assert Form(industry_code="6210").industry_code == "62"
    with pytest.raises(ValidationError) as caught:
        Form(industry_code="99")
    (error,) = field_errors(caught.value.errors(), "zh-CN")
    assert error["type"] == "industry.unknown"
    assert error["message"].startswith("“99”不是国民经济行业分类")
    assert "not an industry code of GB/T 4754-2017" in error["messages"]["en"]
    assert division(None) is None and division("62").en == "Catering"  # type: ignore[union-attr]
