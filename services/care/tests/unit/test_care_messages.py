"""The words of a breach, as the daughter and the doctor read them."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from care.domain.messages import TEMPLATES, breach_variables
from care.domain.thresholds import assess, default_thresholds, step
from care.domain.vitals import Source, VitalKind, make_reading

AT = datetime(2026, 12, 3, 0, 15, tzinfo=UTC)  # 08:15 in Shanghai


def _breach():
    r = make_reading("p-1", "blood_pressure", {"systolic": 165, "diastolic": 95}, AT)
    t = default_thresholds(78)[VitalKind.BLOOD_PRESSURE]
    ep = step(None, assess(r, t)).episode
    return breach_variables("王秀英", ep, t, Source.DEVICE)


def test_breach_in_chinese():
    title, body = TEMPLATES["care.vitals.breach"].render(_breach(), "zh-CN")
    assert title == "王秀英血压偏高"
    assert body == (
        "王秀英的血压偏高：165/95 mmHg（正常范围 90–150/60–90 mmHg），"
        "测于12月3日 08:15（智能设备）。"
    )


def test_breach_in_english():
    title, body = TEMPLATES["care.vitals.breach"].render(_breach(), "en")
    assert title == "王秀英: blood pressure high"
    assert body == (
        "王秀英's blood pressure is high: 165/95 mmHg (normal range 90–150/60–90 mmHg), "
        "measured 3 Dec 08:15 (from a device)."
    )


def test_every_template_has_both_languages_and_no_placeholder_left():
    for t in TEMPLATES.values():
        assert t.title_zh and t.body_zh and t.title_en and t.body_en
        names = set(re.findall(r"{(\w+)}", t.title_zh + t.body_zh + t.title_en + t.body_en))
        title, body = t.render({n: "x" for n in names})
        assert "{" not in title + body
