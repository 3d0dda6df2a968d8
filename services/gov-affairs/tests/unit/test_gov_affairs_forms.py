"""Forms as JSON Schema: what the console may render and what the service refuses."""

from __future__ import annotations

import pytest

from gov_affairs.domain.forms import FormSchemaError, check_form_schema, validate_form

FORM = {
    "type": "object",
    "required": ["name", "id_number", "birth_date", "bank"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "title": "姓名", "x-title-en": "Name", "maxLength": 20},
        "id_number": {
            "type": "string",
            "title": "身份证号码",
            "x-title-en": "ID number",
            "x-kind": "id_number",
        },
        "birth_date": {
            "type": "string",
            "format": "date",
            "title": "出生日期",
            "x-title-en": "Date of birth",
        },
        "phone": {"type": "string", "title": "手机", "x-title-en": "Mobile", "x-kind": "phone"},
        "lives_alone": {"type": "boolean", "title": "是否独居", "x-title-en": "Lives alone"},
        "needs": {
            "type": "array",
            "title": "需要的服务",
            "x-title-en": "Services needed",
            "items": {"type": "string", "enum": ["meals", "cleaning"]},
            "uniqueItems": True,
        },
        "bank": {
            "type": "object",
            "title": "发放账户",
            "x-title-en": "Payment account",
            "required": ["account"],
            "properties": {
                "account": {
                    "type": "string",
                    "title": "账号",
                    "x-title-en": "Account number",
                    "pattern": "^[0-9]{12,19}$",
                }
            },
        },
    },
}
GOOD = {
    "name": "王秀英",
    "id_number": "11010519491231002X",
    "birth_date": "1949-12-31",
    "phone": "13812345678",
    "lives_alone": True,
    "needs": ["meals"],
    "bank": {"account": "6222020200112233445"},
}


def test_the_example_form_is_renderable_and_a_good_answer_passes() -> None:
    check_form_schema(FORM)
    assert validate_form(FORM, GOOD) == []


def test_every_bad_field_is_named_in_both_languages() -> None:
    bad = {**GOOD, "birth_date": "1949-13-01", "needs": ["meals", "flying"], "bank": {}}
    del bad["name"]
    errors = {e.field: e for e in validate_form(FORM, bad)}
    assert set(errors) == {"name", "birth_date", "needs.1", "bank.account"}
    assert errors["name"].code == "form.required"
    assert errors["name"].message.zh == "姓名：必填"
    assert errors["name"].message.en == "Name: required"
    assert errors["birth_date"].code == "form.format"
    assert errors["bank.account"].message.zh == "账号：必填"


def test_id_numbers_and_phones_are_checked_by_their_standards() -> None:
    errors = validate_form(FORM, {**GOOD, "id_number": "110105194912310021", "phone": "12345"})
    by_field = {e.field: e for e in errors}
    assert by_field["id_number"].code == "id_number.check_digit"
    assert by_field["id_number"].message.zh.startswith("身份证号码：")
    assert by_field["phone"].code == "form.phone"


def test_unknown_fields_are_refused_when_the_form_says_so() -> None:
    errors = validate_form(FORM, {**GOOD, "salary": 1})
    assert [e.code for e in errors] == ["form.unknown_field"]


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "array"},
        {"type": "object", "properties": {"a": {"type": "string"}}},  # no titles
        {
            "type": "object",
            "properties": {
                "a": {"type": "string", "title": "甲", "x-title-en": "A", "format": "uri"}
            },
        },
        {
            "type": "object",
            "properties": {
                "a": {"type": "string", "title": "甲", "x-title-en": "A", "$ref": "http://x/y"}
            },
        },
        {
            "type": "object",
            "properties": {
                "a": {"type": "string", "title": "甲", "x-title-en": "A", "pattern": "("}
            },
        },
        {
            "type": "object",
            "required": ["b"],
            "properties": {"a": {"type": "string", "title": "甲", "x-title-en": "A"}},
        },
        {
            "type": "object",
            "properties": {"a": {"type": "strng", "title": "甲", "x-title-en": "A"}},
        },
    ],
)
def test_schemas_the_console_cannot_render_are_refused(schema: dict) -> None:
    with pytest.raises(FormSchemaError):
        check_form_schema(schema)
