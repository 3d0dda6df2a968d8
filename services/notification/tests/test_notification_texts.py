"""Must show: no template puts an id, a code or a half-translated sentence before a person.

Every template notification seeds (its own, care's and the alarm steps', as the
migrations write them) is rendered in zh-CN and en with the variables its producers
send (codes for severity, type and state; names for people and places). The text a
person would read is scanned: no UUID, no enum code, no Latin words in a zh-CN sentence,
no Chinese in an English one (names of people and places excepted: they are names).
"""

from __future__ import annotations

import importlib.util
import re
import string
from pathlib import Path
from typing import Any

import pytest

from notification.domain.templates import LOCALES, SEED, render
from sc_contracts.vocabulary import codes

MIGRATIONS = Path(__file__).parents[1] / "src" / "notification" / "db" / "migrations" / "versions"

# what producers send: codes (rendered into words by notification), names, numbers
NAMES = {
    "place": "幸福里社区 1号楼 1单元 101室",
    "person": "王秀英",
    "child": "李小雨",
    "guardian": "李明",
    "helper": "赵志强",
    "assignee": "网格员张伟",
    "doctor": "陈医生",
    "sender": "幸福里社区卫生服务站",
    "station": "幸福里社区卫生服务站",
    "nursery": "幸福里托育园",
    "zone": "幸福里社区",
    "building": "幸福里社区 1号楼",
    # what a person typed, quoted as they wrote it: an offer's name, a provider, thanks
    "service": "术后康复护理",
    "provider": "幸福里护理站",
    "thanks": "谢谢小赵帮我取药！",
}
CODES = {
    "severity": "critical",
    "alarm_type": "smoke",
    "case_type": "repair",
    "priority": "urgent",
}
NUMBERS = {
    "number": "WO00000042",
    "stage": "2",
    "distance": "350",
    "minutes": "5",
    "total": "18",
    "count": "2",
    "value": "165",
    "range": "90-140",
    "unit": "mmHg",
    "rating": "5",
}
BY_LOCALE = {  # free text producers send in each language (``*_zh`` / ``*_en``)
    "zh-CN": {
        "title": "1号楼烟雾报警",
        "body": "明天9:00-12:00停水",
        "message": "请将车辆移出地下车库",
        "what": "帮忙取药",
        "note": "请带上医保卡",
        "closes": "今天18:00",
    },
    "en": {
        "title": "Smoke in building 1",
        "body": "Water off tomorrow 9:00-12:00",
        "message": "Move cars out of the garage",
        "what": "collect medicine",
        "note": "bring the insurance card",
        "closes": "today 18:00",
    },
}
SUFFIXED = {"zh": "血压偏高", "en": "blood pressure high"}
STATUS = {"workorder.": "submitted", "alarm.": "active_unack"}

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
CJK = re.compile(r"[\u3400-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
ALLOWED_LATIN = {"SOS", "mmHg", "WO", "AI", "SMS"}  # units and names people use as they are


def all_templates() -> dict[str, dict[str, tuple[str, str]]]:
    found: dict[str, dict[str, tuple[str, str]]] = {}
    for path in sorted(MIGRATIONS.glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"notification_mig_{path.stem}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for name, value in vars(module).items():
            if name.isupper() and isinstance(value, dict) and "TEMPLATE" in name:
                found.update(value)
    found.update(SEED)  # the current texts win over the copies the migrations started from
    return found


def context(code: str, pattern: str, locale: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for _, name, _, _ in string.Formatter().parse(pattern):
        if not name:
            continue
        base, _, suffix = name.rpartition("_")
        if suffix in SUFFIXED and base:
            values[name] = SUFFIXED[suffix]
        elif name == "status":
            values[name] = next(v for prefix, v in STATUS.items() if code.startswith(prefix))
        elif name in ("time",):
            values[name] = "12-03 09:30"
        else:
            found: Any = (
                NAMES.get(name)
                or CODES.get(name)
                or NUMBERS.get(name)
                or BY_LOCALE[locale].get(name)
            )
            assert found, f"{code}: no realistic value for {{{name}}}; add one to this test"
            values[name] = found
    return values


CASES = [(code, locale) for code in sorted(all_templates()) for locale in LOCALES]


@pytest.mark.parametrize(("code", "locale"), CASES)
def test_a_template_reads_as_one_language_without_ids_or_codes(code: str, locale: str) -> None:
    patterns = all_templates()[code]
    title, body = patterns[locale]
    variables = context(code, title + body, locale)
    chosen, rendered = render(code, patterns, variables, locale, "zh-CN")
    assert chosen == locale
    for text in (rendered.title, rendered.body):
        assert text, f"{code} {locale}: empty"
        assert not UUID.search(text), f"{code} {locale}: an id reaches a person: {text}"
        prose = text
        for name in NAMES.values():
            prose = prose.replace(name, " ")
        words = set(LATIN_WORD.findall(prose))
        leaked = {c for c in codes() if "_" in c and c in prose}
        assert not leaked, f"{code} {locale}: codes {leaked} in {text!r}"
        if locale == "zh-CN":
            assert not (words - ALLOWED_LATIN), f"{code}: English in a zh-CN text: {text!r}"
            assert not (words & codes()), f"{code}: a code in a zh-CN text: {text!r}"
        else:
            assert not CJK.search(prose), f"{code}: Chinese in an English text: {text!r}"


def test_the_scan_catches_what_the_issue_saw() -> None:
    """The texts of issue 18 fail the same checks (the test can fail), and the codes a
    producer sends are read as words."""
    seen = "ae3305c4-1111-2222-3333-444455556666/3ba5727c发生smoke告警"
    assert UUID.search(seen) and "smoke" in set(LATIN_WORD.findall(seen)) & codes()
    patterns = {"zh-CN": ("【{severity}告警】{title}", "{place}发生{alarm_type}告警")}
    variables = {"severity": "critical", "alarm_type": "smoke", "title": "烟雾", "place": "1号楼"}
    _, rendered = render("alarm.raised", patterns, variables, "zh-CN", "zh-CN")
    assert (rendered.title, rendered.body) == ("【严重告警】烟雾", "1号楼发生烟雾告警")


def test_a_work_order_just_submitted_is_not_said_to_be_accepted() -> None:
    patterns = all_templates()["workorder.created"]
    variables = {"number": "WO00000042", "title": "厨房漏水", "case_type": "repair"}
    _, zh = render(
        "workorder.created", patterns, {**variables, "status": "submitted"}, "zh-CN", "zh-CN"
    )
    assert zh.title == "工单已提交：WO00000042 厨房漏水"
    assert zh.body == "工单 WO00000042（报事报修）已提交，当前状态：已提交，待受理。"
    assert "已受理" not in zh.title
    _, en = render(
        "workorder.created", patterns, {**variables, "status": "submitted"}, "en", "zh-CN"
    )
    assert en.body == (
        "Work order WO00000042 (repair) was submitted; status: submitted, waiting to be accepted."
    )


def test_an_alarm_in_a_flat_reads_its_place_and_title_in_the_readers_language() -> None:
    """What alarm sends for a smoke alarm in a flat identity named (``place`` / ``place_en``,
    ``title`` / ``title_en``) reads whole in each language; the ids it replaced would not
    pass the scan above."""
    patterns = all_templates()["alarm.raised"]
    variables = {
        "severity": "critical",
        "alarm_type": "smoke",
        "title": "检测到烟雾",
        "title_en": "Smoke detected",
        "place": "幸福里社区 3号楼2单元502室",
        "place_en": "Room 502, Unit 2, Building 3, 幸福里社区",
    }
    _, zh = render("alarm.raised", patterns, variables, "zh-CN", "zh-CN")
    assert (zh.title, zh.body) == (
        "【严重告警】检测到烟雾",
        "幸福里社区 3号楼2单元502室发生烟雾告警：检测到烟雾，请立即处置。",
    )
    _, en = render("alarm.raised", patterns, variables, "en", "zh-CN")
    assert (en.title, en.body) == (
        "[critical alarm] Smoke detected",
        "smoke alarm at Room 502, Unit 2, Building 3, 幸福里社区: Smoke detected. Please act now.",
    )
    ids = {**variables, "place": "ae3305c4-1111-2222-3333-444455556666/3ba5727c-1111-2222-3333"}
    _, leaked = render("alarm.raised", patterns, ids, "zh-CN", "zh-CN")
    assert UUID.search(leaked.body)  # what the scan fails on


def test_a_producers_own_text_reads_in_the_readers_language() -> None:
    """A template notification does not seed (parking's charger faults) goes as the
    producer's title and body; an English reader reads ``title_en`` / ``body_en`` when the
    producer sent them, never the Chinese beside them."""
    variables = {
        "title": "充电桩故障",
        "body": "东区充电桩 1号枪报告故障（过流），请安排检修。",
        "title_en": "Charger fault",
        "body_en": "东区充电桩, connector 1, reports a fault (over current); please send a repair.",
    }
    _, zh = render("charging.fault", {}, variables, "zh-CN", "zh-CN")
    assert (zh.title, zh.body) == ("充电桩故障", "东区充电桩 1号枪报告故障（过流），请安排检修。")
    _, en = render("charging.fault", {}, variables, "en", "zh-CN")
    assert (en.title, en.body) == ("Charger fault", variables["body_en"])
    _, only_zh = render("charging.fault", {}, {"title": "充电桩故障"}, "en", "zh-CN")
    assert only_zh.title == "充电桩故障"  # nothing else to say it with


NOTIFICATION_SRC = Path(__file__).parents[1] / "src" / "notification"
ERROR_CODE = re.compile(r"^[a-z][a-z_]*(\.[a-z_]+)*$")


def delivery_error_codes() -> set[str]:
    """Every code the service writes into a delivery's ``last_error``: what it raises as a
    ProviderError, decides (``Decision(..., error=...)``) or answers for a rendering or a
    device (``return ..., "template.unknown"``, ``f"device.{outcome}"``)."""
    import ast

    from sc_contracts.events import CommandOutcome

    found = {f"device.{o.value}" for o in CommandOutcome if o is not CommandOutcome.SUCCEEDED}
    for path in NOTIFICATION_SRC.rglob("*.py"):
        if "delivery_errors" in path.name or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            args: list[ast.expr] = []
            if name == "ProviderError" and node.args:
                args.append(node.args[0])
            if name in ("Decision", "values"):
                args += [k.value for k in node.keywords if k.arg in ("error", "last_error")]
            found |= {
                a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)
            }
        if path.name == "intake.py":  # _render answers (rendered, locale, error)
            found |= set(re.findall(r', "([a-z]+\.[a-z_]+)"\n', path.read_text(encoding="utf-8")))
    return {c for c in found if ERROR_CODE.match(c)}


def test_every_delivery_error_reads_as_words_in_both_languages() -> None:
    """What the sender reads beside a failed delivery (issue 18: ``contact.no_phone`` reached
    the sender as it is): each code the service writes has its own sentence, zh-CN in
    Chinese, en in English, neither naming a code."""
    from notification.domain.delivery_errors import ERRORS, UNKNOWN, explain, words

    codes_written = delivery_error_codes()
    assert {"contact.no_phone", "contact.no_push_token", "device.expired"} <= codes_written
    assert not codes_written - set(ERRORS), "codes without their own words"
    for code in [*codes_written, "aliyun.isv.MOBILE_NUMBER_ILLEGAL", "provider.http_500", "x"]:
        zh, en = words(code)
        assert CJK.search(zh) and not LATIN_WORD.search(zh), f"{code}: {zh!r}"
        assert not CJK.search(en), f"{code}: {en!r}"
        assert code not in zh and code not in en
        assert not ({w for w in LATIN_WORD.findall(en)} & codes())
    assert words("aliyun.isv.BUSINESS_LIMIT_CONTROL") != UNKNOWN
    assert explain(None) is None
    assert explain("contact.no_phone") == {
        "zh-CN": "收件人没有登记手机号",
        "en": "The recipient has no phone number on file",
    }
