"""Application forms defined as data: JSON Schema (draft 2020-12).

The console renders a service's form from its schema and the service validates what comes
back against the same schema, so the two never disagree. A schema may use only what the
console can render (:func:`check_form_schema` refuses the rest, with the reason):

- the root is an object of ``properties``, each with a ``title`` (Chinese) and
  ``x-title-en`` (English);
- a property is a ``string`` (``enum``, ``format`` date / email, ``minLength``,
  ``maxLength``, ``pattern``; ``x-widget`` textarea, or ``x-kind`` id_number / phone /
  disability_card (the 20-character 残疾人证 number), checked as such), a ``number`` or
  ``integer`` (``minimum``, ``maximum``), a ``boolean``, an ``array`` of ``enum`` strings
  (several choices), or an ``object`` of the same (a group);
- ``required`` lists, ``description``, ``default``; references only inside the document.

Errors come out one per field with a stable code and the field's own title in both
languages ("出生日期：必填" / "Date of birth: required").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError, ValidationError

from gov_affairs.domain.text import Refusal, Text
from sc_core.validators import InvalidIdentifier, parse_id_number

_TYPES = {"string", "number", "integer", "boolean", "array", "object"}
_KEYWORDS = {
    "type",
    "title",
    "x-title-en",
    "description",
    "x-description-en",
    "enum",
    "x-enum-titles",
    "format",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "items",
    "properties",
    "required",
    "default",
    "uniqueItems",
    "minItems",
    "maxItems",
    "additionalProperties",
    "x-widget",
    "x-kind",
    "$schema",
    "$id",
}
_FORMATS = {"date", "email"}
_KINDS = {"id_number", "phone", "disability_card"}
_PHONE = re.compile(r"^1[3-9]\d{9}$")
MAX_SCHEMA_FIELDS = 200


class FormSchemaError(Refusal, ValueError):
    """A schema the console could not render or the service could not check; ``code`` is
    stable (``form.schema_<reason>``), the sentence in both languages names the field."""


@dataclass(frozen=True)
class FieldError:
    field: str  # dotted path, "" for the form as a whole
    code: str  # form.required, form.type, form.enum ...
    message: Text


def check_form_schema(schema: dict[str, Any]) -> None:
    """Refuse a schema that is not valid JSON Schema or uses what the console cannot render."""
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        raise FormSchemaError(
            "form.schema_invalid",
            f"not a valid JSON Schema: {exc.message}",
            zh=f"不是有效的 JSON Schema：{exc.message}",
        ) from None
    if schema.get("type") != "object" or not isinstance(schema.get("properties"), dict):
        raise FormSchemaError(
            "form.schema_not_object",
            "the form must be an object with properties",
            zh="表单须为含字段（properties）的对象",
        )
    count = _check_node(schema, "", root=True)
    if count > MAX_SCHEMA_FIELDS:
        raise FormSchemaError(
            "form.schema_too_many_fields",
            f"a form has at most {MAX_SCHEMA_FIELDS} fields",
            zh=f"一张表单最多{MAX_SCHEMA_FIELDS}个字段",
        )


def _check_node(node: dict[str, Any], path: str, *, root: bool = False) -> int:
    where_en, where_zh = (path, path) if path else ("form", "表单")
    unknown = set(node) - _KEYWORDS
    if unknown:
        raise FormSchemaError(
            "form.schema_unsupported",
            f"{where_en}: unsupported keywords {sorted(unknown)}",
            zh=f"{where_zh}：不支持的关键字 {sorted(unknown)}",
        )
    kind = node.get("type")
    if kind not in _TYPES:
        raise FormSchemaError(
            "form.schema_type",
            f"{where_en}: every field needs a type of {sorted(_TYPES)}",
            zh=f"{where_zh}：每个字段须有类型（type），取值为 {sorted(_TYPES)} 之一",
        )
    if not root and not (node.get("title") and node.get("x-title-en")):
        raise FormSchemaError(
            "form.schema_title",
            f"{path}: a field needs 'title' (Chinese) and 'x-title-en'",
            zh=f"{path}：字段须有中文标题（title）和英文标题（x-title-en）",
        )
    if "format" in node and node["format"] not in _FORMATS:
        raise FormSchemaError(
            "form.schema_format",
            f"{path}: format must be one of {sorted(_FORMATS)}",
            zh=f"{path}：格式（format）须为 {sorted(_FORMATS)} 之一",
        )
    if "x-kind" in node and (kind != "string" or node["x-kind"] not in _KINDS):
        raise FormSchemaError(
            "form.schema_kind",
            f"{path}: x-kind must be one of {sorted(_KINDS)} on a string",
            zh=f"{path}：x-kind 只用于文本字段，取值为 {sorted(_KINDS)} 之一",
        )
    if "pattern" in node:
        try:
            re.compile(node["pattern"])
        except re.error:
            raise FormSchemaError(
                "form.schema_pattern",
                f"{path}: pattern is not a regular expression",
                zh=f"{path}：pattern 不是有效的正则表达式",
            ) from None
    if kind == "array":
        items = node.get("items")
        if not (isinstance(items, dict) and items.get("type") == "string" and items.get("enum")):
            raise FormSchemaError(
                "form.schema_list",
                f"{path}: a list field is a list of choices (string enum)",
                zh=f"{path}：列表字段须为选项列表（文本 enum）",
            )
        return 1
    if kind == "object":
        props = node.get("properties")
        if not isinstance(props, dict) or not props:
            raise FormSchemaError(
                "form.schema_group",
                f"{where_en}: a group needs properties",
                zh=f"{where_zh}：分组须有字段（properties）",
            )
        missing = set(node.get("required", [])) - set(props)
        if missing:
            raise FormSchemaError(
                "form.schema_required",
                f"{where_en}: required names unknown fields {sorted(missing)}",
                zh=f"{where_zh}：required 中有不存在的字段 {sorted(missing)}",
            )
        return sum(_check_node(v, f"{path}.{k}" if path else k) for k, v in props.items())
    return 1


def _titles(schema: dict[str, Any], path: list[str | int]) -> Text:
    node: dict[str, Any] = schema
    for part in path:
        if isinstance(part, int):
            continue
        node = node.get("properties", {}).get(part, {})
    zh = node.get("title") or ".".join(str(p) for p in path) or "表单"
    en = node.get("x-title-en") or ".".join(str(p) for p in path) or "form"
    return Text(zh=zh, en=en)


def _message(error: ValidationError) -> tuple[str, str, str]:
    """Stable code and the reason in both languages for one jsonschema error."""
    v = error.validator_value
    match error.validator:
        case "required":
            return "form.required", "必填", "required"
        case "type":
            return "form.type", "格式不正确", "has the wrong kind of value"
        case "enum":
            return "form.choice", "不是可选项之一", "is not one of the choices"
        case "minLength":
            return "form.too_short", f"至少{v}个字", f"needs at least {v} characters"
        case "maxLength":
            return "form.too_long", f"最多{v}个字", f"takes at most {v} characters"
        case "pattern":
            return "form.pattern", "格式不正确", "is not in the expected form"
        case "format":
            return "form.format", "格式不正确", f"is not a valid {v}"
        case "minimum":
            return "form.too_small", f"不能小于{v}", f"must be at least {v}"
        case "maximum":
            return "form.too_large", f"不能大于{v}", f"must be at most {v}"
        case "additionalProperties":
            return "form.unknown_field", "包含表单以外的项目", "has fields the form does not have"
        case "minItems":
            return "form.too_few", f"至少选择{v}项", f"needs at least {v} choices"
        case "maxItems":
            return "form.too_many", f"最多选择{v}项", f"takes at most {v} choices"
        case "uniqueItems":
            return "form.duplicate", "有重复的选项", "has a choice twice"
    return "form.invalid", "不符合要求", "is not valid"


def validate_form(schema: dict[str, Any], data: Any) -> list[FieldError]:
    """Every reason ``data`` does not fit ``schema`` (an empty list when it fits)."""
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    out: list[FieldError] = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path))):
        path: list[str | int] = list(error.path)
        if error.validator == "required":
            # jsonschema reports a missing field on its parent: name the field itself
            missing = error.message.split("'")[1] if "'" in error.message else ""
            path = [*path, missing]
        code, zh, en = _message(error)
        title = _titles(schema, path)
        out.append(
            FieldError(_dotted(path), code, Text(zh=f"{title.zh}：{zh}", en=f"{title.en}: {en}"))
        )
    if not out:
        out += _kinds(schema, data, [])
    return out


def _kinds(schema: dict[str, Any], data: Any, path: list[str | int]) -> list[FieldError]:
    """The checks JSON Schema cannot express: GB 11643 ID numbers and mobile numbers."""
    out: list[FieldError] = []
    for name, node in schema.get("properties", {}).items():
        value = data.get(name) if isinstance(data, dict) else None
        here = [*path, name]
        if node.get("type") == "object" and isinstance(value, dict):
            out += _kinds(node, value, here)
        elif node.get("x-kind") == "id_number" and isinstance(value, str):
            try:
                parse_id_number(value)
            except InvalidIdentifier as exc:
                title = _titles(schema, [name])
                out.append(
                    FieldError(
                        _dotted(here),
                        exc.code,
                        Text(zh=f"{title.zh}：{exc.zh}", en=f"{title.en}: {exc.en}"),
                    )
                )
        elif node.get("x-kind") == "disability_card" and isinstance(value, str):
            from gov_affairs.domain.welfare import WelfareError, parse_disability_card

            try:
                parse_disability_card(value)
            except WelfareError as exc:
                title = _titles(schema, [name])
                out.append(
                    FieldError(
                        _dotted(here),
                        exc.code,
                        Text(zh=f"{title.zh}：{exc.zh}", en=f"{title.en}: {exc.message}"),
                    )
                )
        elif node.get("x-kind") == "phone" and isinstance(value, str) and not _PHONE.match(value):
            title = _titles(schema, [name])
            out.append(
                FieldError(
                    _dotted(here),
                    "form.phone",
                    Text(
                        zh=f"{title.zh}：应为11位手机号码",
                        en=f"{title.en}: must be an 11-digit mobile number",
                    ),
                )
            )
    return out


def _dotted(path: list[str | int]) -> str:
    return ".".join(str(p) for p in path)
