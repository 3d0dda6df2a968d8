"""GB 11643 identity numbers and GB 32100 unified social credit codes."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import BaseModel, ValidationError

from sc_core.validators import (
    DivisionCode,
    IdNumber,
    InvalidIdentifier,
    UnifiedSocialCreditCode,
    id_number_check_char,
    parse_division_code,
    parse_id_number,
    parse_uscc,
    uscc_check_char,
)


def test_the_standards_own_examples_are_valid() -> None:
    # the two examples printed in GB 11643-1999
    woman = parse_id_number("11010519491231002X")
    assert (woman.division_code, woman.birth_date, woman.sex) == (
        "110105",
        date(1949, 12, 31),
        "female",
    )
    man = parse_id_number("440524188001010014")
    assert (man.birth_date, man.sex) == (date(1880, 1, 1), "male")


def test_lower_case_x_and_spaces_are_normalised() -> None:
    assert parse_id_number(" 11010519491231002x ").number == "11010519491231002X"


def test_check_character_follows_iso_7064_mod_11_2() -> None:
    assert id_number_check_char("11010519491231002") == "X"
    assert id_number_check_char("44052418800101001") == "4"
    # every single-digit typo in the first 17 digits changes the check character
    base = "11010519491231002"
    for i in range(17):
        for d in "0123456789":
            if d != base[i]:
                assert id_number_check_char(base[:i] + d + base[i + 1 :]) != "X"


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("110105194912310021", "id_number.check_digit"),
        ("110105491231002", "id_number.first_generation"),
        ("1101051949123100", "id_number.length"),
        ("11010519491331002X", "id_number.birth_date"),  # month 13
        ("11010519490229002X", "id_number.birth_date"),  # 1949 was not a leap year
        ("99010519491231002X", "id_number.division"),
        ("1101051949123100AX", "id_number.format"),
        ("１１０１０５１９４９１２３１００２Ｘ", "id_number.length"),  # full-width digits
    ],
)
def test_bad_numbers_are_refused_with_a_stable_code(number: str, code: str) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        parse_id_number(number)
    assert caught.value.code == code
    assert caught.value.zh and caught.value.en


def test_a_birth_date_in_the_future_is_refused() -> None:
    first17 = "11010520300101001"
    number = first17 + id_number_check_char(first17)
    with pytest.raises(InvalidIdentifier) as caught:
        parse_id_number(number, today=date(2026, 1, 1))
    assert caught.value.code == "id_number.birth_date"


def test_age_counts_whole_years() -> None:
    info = parse_id_number("11010519491231002X")
    assert info.age_on(date(2029, 12, 30)) == 79
    assert info.age_on(date(2029, 12, 31)) == 80


def test_uscc_valid_codes() -> None:
    info = parse_uscc("91110000600037341L")
    assert (info.authority_code, info.type_code, info.division_code) == ("9", "1", "110000")
    assert info.organisation_code == "600037341"
    assert parse_uscc("9131000063159284xq").code == "9131000063159284XQ"


def test_uscc_check_character_is_mod_31() -> None:
    assert uscc_check_char("91110000600037341") == "L"
    assert uscc_check_char("91310000631592840") != uscc_check_char("91310000631592841")


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91110000600037341M", "uscc.check_digit"),
        ("91110000600037341", "uscc.length"),
        ("9111000060003734IL", "uscc.format"),  # I is not used
        ("Z1110000600037341L", "uscc.format"),
        ("B1110000600037341L", "uscc.authority"),  # no authority B
        ("9511000060003734XL", "uscc.authority"),  # industry and commerce has no type 5
        ("911A0000600037341L", "uscc.division"),
    ],
)
def test_bad_uscc_refused(code: str, reason: str) -> None:
    # give each malformed body a right check character, so the reason is the one named
    if reason not in {"uscc.check_digit", "uscc.length", "uscc.format"}:
        code = code[:17] + uscc_check_char(code[:17])
    with pytest.raises(InvalidIdentifier) as caught:
        parse_uscc(code)
    assert caught.value.code == reason


class _Form(BaseModel):
    id_number: IdNumber
    uscc: UnifiedSocialCreditCode | None = None


def test_pydantic_types_normalise_and_refuse_with_the_code_as_type() -> None:
    form = _Form(id_number="11010519491231002x", uscc="91110000600037341l")
    assert (form.id_number, form.uscc) == ("11010519491231002X", "91110000600037341L")
    with pytest.raises(ValidationError) as caught:
        _Form(id_number="110105194912310021", uscc="91110000600037341M")
    kinds = {(e["loc"][0], e["type"]) for e in caught.value.errors()}
    assert kinds == {("id_number", "id_number.check_digit"), ("uscc", "uscc.check_digit")}
    assert "校验位" in caught.value.errors()[0]["msg"]


@pytest.mark.parametrize(
    ("code", "reason"),
    [("33010", "division_code.format"), ("33O106", "division_code.format"),
     ("990101", "division_code.province"), ("830000", "division_code.province")],
)  # fmt: skip
def test_bad_division_codes_refused(code: str, reason: str) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        parse_division_code(code)
    assert caught.value.code == reason


def test_a_division_code_of_a_known_province_passes() -> None:
    class Place(BaseModel):
        division_code: DivisionCode

    assert parse_division_code("330106") == "330106"  # 杭州市西湖区
    assert Place(division_code=" 110101 ").division_code == "110101"
