"""Message templates (zh-CN and en) and their rendering.

The seed below is written to the ``template`` table by the first migration; admins edit
the rows through the API afterwards. Placeholders are ``{name}``; a variable the request
did not send renders as an empty string, never as an error.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass

from sc_contracts.vocabulary import label

LOCALES = ("zh-CN", "en")

_WO_VARS = "{number} {title}"

SEED: dict[str, dict[str, tuple[str, str]]] = {
    "alarm.raised": {
        "zh-CN": (
            "【{severity}告警】{title}",
            "{place}发生{alarm_type}告警：{title}，请立即处置。",
        ),
        "en": (
            "[{severity} alarm] {title}",
            "{alarm_type} alarm at {place}: {title}. Please act now.",
        ),
    },
    "alarm.escalated": {
        "zh-CN": (
            "【告警升级 第{stage}级】{title}",
            "{place}的{alarm_type}告警（{severity}）仍未处置，已升级至第{stage}级：{title}。",
        ),
        "en": (
            "[Escalated, stage {stage}] {title}",
            "The {severity} {alarm_type} alarm at {place} is still open and was escalated "
            "to stage {stage}: {title}.",
        ),
    },
    "alarm.cleared": {
        "zh-CN": ("【告警解除】{title}", "{place}的{alarm_type}告警已解除：{title}。"),
        "en": (
            "[Alarm cleared] {title}",
            "The {alarm_type} alarm at {place} was cleared: {title}.",
        ),
    },
    "alarm.acknowledged": {
        "zh-CN": ("【告警已确认】{title}", "{place}的告警已有人确认，正在处置：{title}。"),
        "en": (
            "[Alarm acknowledged] {title}",
            "Someone has acknowledged the alarm at {place} and is handling it: {title}.",
        ),
    },
    "alarm.assigned": {
        "zh-CN": ("【告警已派人处置】{title}", "{place}的告警已指派专人处置：{title}。"),
        "en": (
            "[Alarm assigned] {title}",
            "The alarm at {place} was given to someone to handle: {title}.",
        ),
    },
    "emergency.warning": {
        "zh-CN": ("【预警】{title}", "{message}"),
        "en": ("[Warning] {title}", "{message}"),
    },
    "generic.message": {
        "zh-CN": ("{title}", "{body}"),
        "en": ("{title}", "{body}"),
    },
}

_WORK_ORDER_ACTIONS: dict[str, tuple[str, str]] = {
    # action: (zh-CN verb, en verb)
    "created": ("已提交", "was submitted"),  # submitted is not accepted (已受理)
    "accepted": ("已接单", "was accepted"),
    "assigned": ("已派单", "was assigned"),
    "replied": ("有新回复", "has a new reply"),
    "resolved": ("已处理完成", "was resolved"),
    "closed": ("已关闭", "was closed"),
    "rejected": ("已退回", "was rejected"),
    "reopened": ("已重新打开", "was reopened"),
    "sla_breached": ("已超时", "is overdue"),
}
for _action, (_zh, _en) in _WORK_ORDER_ACTIONS.items():
    SEED[f"workorder.{_action}"] = {
        "zh-CN": (
            f"工单{_zh}：{_WO_VARS}",
            f"工单 {{number}}（{{case_type}}）{_zh}，当前状态：{{status}}。",
        ),
        "en": (
            f"Work order {_en}: {_WO_VARS}",
            f"Work order {{number}} ({{case_type}}) {_en}; status: {{status}}.",
        ),
    }


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str


class UnknownTemplate(LookupError):
    """No template of that code, and no title/body variables to fall back on."""


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


_FORMATTER = string.Formatter()


def fill(pattern: str, variables: Mapping[str, str]) -> str:
    """``pattern`` with its ``{name}`` placeholders filled; unknown names left blank.

    Only plain names are substituted: attribute or index lookups and conversions are
    refused (a template is admin-edited text, not code).
    """
    values = _Blank({k: str(v) for k, v in variables.items()})
    out: list[str] = []
    for literal, field, spec, conversion in _FORMATTER.parse(pattern):
        out.append(literal)
        if field is None:
            continue
        if not field.isidentifier() or conversion or spec:
            out.append("{" + field + "}")
            continue
        out.append(values[field])
    return "".join(out)


def valid_pattern(pattern: str) -> bool:
    try:
        list(_FORMATTER.parse(pattern))
    except ValueError:
        return False
    return True


def choose_locale(wanted: str | None, available: Mapping[str, object], default: str) -> str:
    """The best locale of ``available`` for ``wanted`` (exact, same language, default)."""
    if wanted and wanted in available:
        return wanted
    if wanted:
        language = wanted.split("-")[0].lower()
        for locale in available:
            if locale.split("-")[0].lower() == language:
                return locale
    if default in available:
        return default
    return next(iter(available))


_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


def _kind(template: str, name: str) -> str | None:
    """Which vocabulary a variable's value comes from (None: free text, left as sent)."""
    if name == "status":
        if template.startswith("workorder."):
            return "work_order_status"
        return "alarm_status" if template.startswith("alarm.") else None
    return name if name in ("severity", "alarm_type", "case_type", "priority") else None


def localized(template: str, variables: Mapping[str, str], locale: str) -> dict[str, str]:
    """``variables`` with every code a person would read (severity, alarm type, case type,
    status, priority) replaced by its word in ``locale`` (``sc_contracts.vocabulary``).

    A producer that knows a text in both languages sends ``x`` (zh-CN) and ``x_en``
    (``place`` / ``place_en``: 幸福里社区 3号楼2单元502室 / Room 502, Unit 2, Building 3, ...;
    ``title`` / ``title_en``): an English reader's ``{x}`` is ``x_en``."""
    out = {k: str(v) for k, v in variables.items()}
    if locale.lower().startswith("en"):
        for name in [k for k in out if out.get(f"{k}_en")]:
            out[name] = out[f"{name}_en"]
    for name, value in out.items():
        kind = _kind(template, name)
        if kind is not None and _CODE.match(value):
            out[name] = label(kind, value, locale)
    return out


def render(
    code: str,
    patterns: Mapping[str, tuple[str, str]],
    variables: Mapping[str, str],
    locale: str | None,
    default_locale: str,
) -> tuple[str, Rendered]:
    """Render ``code`` in the best locale; the generic form when the code is unknown.

    ``patterns`` maps locale -> (title, body) for this code (empty when unknown).
    """
    if not patterns:
        if variables.get("title") or variables.get("body"):
            # the producer's own text: in English where it sent one (``title_en``)
            chosen = locale or default_locale
            words = localized(code, variables, chosen)
            return chosen, Rendered(words.get("title", ""), words.get("body", ""))
        raise UnknownTemplate(code)
    chosen = choose_locale(locale, patterns, default_locale)
    title, body = patterns[chosen]
    words = localized(code, variables, chosen)
    return chosen, Rendered(fill(title, words).strip(), fill(body, words).strip())
