"""What is wrong with a field, in the reader's words: pydantic's error types (English,
with their context: lengths, bounds) said in zh-CN beside pydantic's own English message,
for the ``errors`` of a ``request.validation_failed`` problem.

A value outside a field's choices (``enum``, ``literal_error``) never lists the machine
values in the sentence a person reads: where the choices are words of the contracts'
vocabulary (``sc_contracts.vocabulary``: severities, alarm types, statuses ...) the
sentence names them in the reader's language (应为以下之一：严重、重要、一般), otherwise it
says the value is not one of the allowed ones. The machine values travel beside it, in the
field error's ``allowed`` member, for a client that builds a selector from them.
"""

from __future__ import annotations

import re
from typing import Any

from sc_contracts.vocabulary import VOCABULARY

# pydantic-core error type -> zh-CN text; ``{name}`` is filled from the error's context
ZH: dict[str, str] = {
    "missing": "必须填写",
    "extra_forbidden": "不能包含此项",
    "string_type": "应为文字",
    "string_too_short": "至少 {min_length} 个字符",
    "string_too_long": "最多 {max_length} 个字符",
    "string_pattern_mismatch": "格式不正确",
    "string_unicode": "应为有效的文字",
    "too_short": "至少 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数，不能有小数",
    "int_parsing_size": "数字超出范围",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "finite_number": "应为有限的数字",
    "decimal_type": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_max_digits": "数字位数过多",
    "decimal_max_places": "小数位数过多",
    "bool_type": "应为是或否",
    "bool_parsing": "应为是或否",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应不小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "应不大于 {le}",
    "multiple_of": "应为 {multiple_of} 的倍数",
    "enum": "不是允许的取值",
    "literal_error": "不是允许的取值",
    "uuid_type": "应为有效的编号",
    "uuid_parsing": "应为有效的编号",
    "uuid_version": "应为有效的编号",
    "date_type": "应为日期",
    "date_parsing": "应为日期（例如 2026-12-04）",
    "date_from_datetime_parsing": "应为日期（例如 2026-12-04）",
    "date_from_datetime_inexact": "应为日期，不含时间",
    "date_past": "应为过去的日期",
    "date_future": "应为将来的日期",
    "datetime_type": "应为日期和时间",
    "datetime_parsing": "应为日期和时间（例如 2026-12-04T08:00:00+08:00）",
    "datetime_from_date_parsing": "应为日期和时间（例如 2026-12-04T08:00:00+08:00）",
    "datetime_object_invalid": "应为有效的日期和时间",
    "datetime_past": "应为过去的时间",
    "datetime_future": "应为将来的时间",
    "timezone_aware": "时间须带时区（例如 +08:00）",
    "timezone_naive": "时间不应带时区",
    "time_type": "应为时间",
    "time_parsing": "应为时间（例如 08:30）",
    "time_delta_type": "应为时长",
    "time_delta_parsing": "应为时长",
    "dict_type": "应为一组键值",
    "list_type": "应为列表",
    "set_type": "应为不重复的列表",
    "tuple_type": "应为列表",
    "model_type": "应为一个对象",
    "model_attributes_type": "应为一个对象",
    "dataclass_type": "应为一个对象",
    "json_invalid": "不是有效的 JSON",
    "json_type": "不是有效的 JSON",
    "url_type": "应为网址",
    "url_parsing": "应为有效的网址",
    "url_scheme": "网址协议不正确",
    "url_too_long": "网址过长",
    "value_error": "填写的内容不正确",
    "assertion_error": "填写的内容不正确",
    "union_tag_invalid": "类型不正确",
    "union_tag_not_found": "缺少类型",
    "bytes_type": "应为二进制内容",
    "bytes_too_short": "内容过短",
    "bytes_too_long": "内容过长",
    "none_required": "应为空",
    "is_instance_of": "类型不正确",
    "frozen_field": "不能修改",
    "frozen_instance": "不能修改",
    "get_attribute_error": "填写的内容不正确",
    "iteration_error": "填写的内容不正确",
    "recursion_loop": "嵌套过深",
    "no_such_attribute": "不能包含此项",
    "callable_type": "类型不正确",
    # sc_core.schema's own types
    "date_range": "日期应在 {first} 至 {last} 年之间",
    "json_bounds": (
        "JSON 内容超出限制：每层最多 {max_keys} 项（键最长 64 个字符）、"
        "最多 {max_depth} 层、最多 {max_bytes} 字节"
    ),
}
FALLBACK = "填写的内容不正确"


def zh_message(error_type: str, ctx: dict[str, Any] | None) -> str:
    """The zh-CN text of one pydantic error (its context fills the bounds)."""
    template = ZH.get(error_type, FALLBACK)
    try:
        return template.format(**{k: _word(v) for k, v in (ctx or {}).items()})
    except (KeyError, IndexError, ValueError):  # a context without the bound it names
        return FALLBACK


def _word(value: Any) -> str:
    text = str(value)
    # pydantic writes the allowed values as "'a', 'b' or 'c'": said the Chinese way
    return text.replace("' or '", "'、'").replace("', '", "'、'")


CHOICES = frozenset({"enum", "literal_error"})
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


def allowed_values(ctx: dict[str, Any] | None) -> list[str]:
    """The machine values pydantic's ``expected`` names (\"'a', 'b' or 'c'\", or
    \"1, 2 or 3\" for a literal of numbers)."""
    expected = str((ctx or {}).get("expected", ""))
    quoted = _QUOTED.findall(expected)
    if quoted:
        return quoted
    return [v.strip() for v in re.split(r",| or ", expected) if v.strip()]


def choice_words(values: list[str]) -> tuple[str, str] | None:
    """The choices in words, (zh-CN, en), when one kind of the vocabulary knows them all
    (the kind with the fewest other codes wins); None otherwise."""
    if not values:
        return None
    kinds = [e for e in VOCABULARY.values() if all(v in e for v in values)]
    if not kinds:
        return None
    entries = min(kinds, key=len)
    return (
        "、".join(entries[v][0] for v in values),
        ", ".join(entries[v][1] for v in values),
    )


def _choice_messages(ctx: dict[str, Any] | None) -> tuple[str, str, list[str]]:
    values = allowed_values(ctx)
    words = choice_words(values)
    if words is None:
        return "不是允许的取值", "Input is not one of the allowed values", values
    return f"应为以下之一：{words[0]}", f"Input should be one of: {words[1]}", values


def field_errors(errors: list[dict[str, Any]], locale: str) -> list[dict[str, Any]]:
    """The ``errors`` of a validation problem: each field with its type and its message in
    the reader's language (``messages`` holds both); a choice field's machine values in
    ``allowed``, never in the message."""
    out = []
    for err in errors:
        kind = str(err.get("type", ""))
        english = str(err.get("msg", ""))
        ctx = err.get("ctx") or {}
        # a custom error of ours carries its own Chinese (sc_core.outline's ``outline.*``)
        chinese = str(ctx["zh"]) if "zh" in ctx else zh_message(kind, ctx)
        allowed: list[str] | None = None
        if kind in CHOICES:
            chinese, english, allowed = _choice_messages(err.get("ctx"))
        entry: dict[str, Any] = {
            "field": ".".join(str(p) for p in err.get("loc", ())),
            "message": english if locale == "en" else chinese,
            "messages": {"zh-CN": chinese, "en": english},
            "type": err.get("type"),
        }
        if allowed is not None:
            entry["allowed"] = allowed
        out.append(entry)
    return out
