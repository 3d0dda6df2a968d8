"""GB/T 2261.1 sex codes: the table, the API's values and a spreadsheet's cells."""

from __future__ import annotations

import pytest

from sc_core.sex_codes import SEXES, parse_sex, sex_code, sex_of_code
from sc_core.validators import InvalidIdentifier


def test_the_table_is_the_standards() -> None:
    assert {c: (s.zh, s.value) for c, s in SEXES.items()} == {
        "0": ("未知的性别", None),
        "1": ("男", "male"),
        "2": ("女", "female"),
        "9": ("未说明的性别", "other"),
    }
    assert all(s.en for s in SEXES.values())


def test_the_apis_values_map_to_codes() -> None:
    assert [sex_code(v) for v in ("male", "female", "other", None, "")] == ["1", "2", "9", "0", "0"]
    assert sex_of_code("9").value == "other"


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("男", "1"),
        (" 女 ", "2"),
        ("1", "1"),
        ("2", "2"),
        ("0", "0"),
        ("9", "9"),
        ("", "0"),
        ("Male", "1"),
        ("female", "2"),
        ("other", "9"),
        ("其他", "9"),
        ("未说明的性别", "9"),
        ("未知的性别", "0"),
    ],
)
def test_cells_a_person_types(cell: str, code: str) -> None:
    assert parse_sex(cell).code == code


def test_a_bad_cell_is_refused_in_words() -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        parse_sex("3")
    assert caught.value.code == "sex.unknown"
    assert "“3”不是性别" in caught.value.zh and "GB/T 2261.1" in caught.value.en
