"""Every care message renders whole in both languages; notices go to the right people once."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from care.domain.consent import Recipient, Relation
from care.domain.lone_elder import Anomaly, Rule, Utility
from care.domain.messages import anomaly_notices, breach_notice, wandering_notice
from care.domain.templates import TEMPLATES
from care.domain.thresholds import assess, default_thresholds, step
from care.domain.vitals import Source, VitalKind, make_reading

AT = datetime(2026, 12, 3, 0, 15, tzinfo=UTC)
DAUGHTER = Recipient("u-daughter", Relation.FAMILY)
DOCTOR = Recipient("u-doc", Relation.DOCTOR)


def test_every_template_renders_whole_in_both_languages():
    assert len(TEMPLATES) >= 20
    for code, t in TEMPLATES.items():
        assert code.startswith("care.")
        names = set(re.findall(r"{(\w+)}", t.title_zh + t.body_zh + t.title_en + t.body_en))
        values = {n: "某某" for n in names}
        for locale in ("zh-CN", "en"):
            title, body = t.render(values, locale)
            assert title.strip() and body.strip()
            assert "{" not in title + body and "}" not in title + body
        # a Chinese template reads Chinese, an English one has no Chinese of its own
        assert re.search(r"[\u4e00-\u9fff]", t.title_zh + t.body_zh) or t.title_zh == "{title_zh}"
        own_en = re.sub(r"{\w+}", "", t.title_en + t.body_en)
        assert not re.search(r"[\u4e00-\u9fff]", own_en), code


def test_a_breach_tells_the_consented_people_once_per_episode():
    r = make_reading("p-1", "blood_pressure", {"systolic": 172, "diastolic": 96}, AT)
    t = default_thresholds(78)[VitalKind.BLOOD_PRESSURE]
    ep = step(None, assess(r, t)).episode
    n = breach_notice("ep-1", "王秀英", ep, t, Source.DEVICE, [DAUGHTER, DOCTOR])
    assert n is not None
    assert (n.request_id, n.template, n.user_ids) == (
        "care:breach:ep-1", "care.vitals.breach", ("u-daughter", "u-doc"),
    )  # fmt: skip
    title, body = TEMPLATES[n.template].render(n.variables, "zh-CN")
    assert title == "王秀英血压偏高" and "172/96 mmHg" in body
    assert breach_notice("ep-1", "王秀英", ep, t, Source.DEVICE, []) is None


def test_an_anomaly_tells_the_family_and_sends_the_grid_worker():
    a = Anomaly("h-1", Rule.METER_SILENT, Utility.WATER, date(2026, 12, 3), AT, hours=25.0)
    family, visit = anomaly_notices(
        a, "v-1", "李建国", "幸福里社区 1号楼 1单元 101室", [DAUGHTER], "G1"
    )
    assert family.user_ids == ("u-daughter",) and family.template == "care.watch.anomaly"
    assert visit.roles_in_scope == (("grid_worker", "grid", "G1"),)
    assert visit.request_id == "care:visit:v-1"
    _, body = TEMPLATES[visit.template].render(visit.variables, "zh-CN")
    assert body == "请上门探视李建国（幸福里社区 1号楼 1单元 101室）：家中水表已有25小时没有读数。"


def test_wandering_tells_family_and_grid_worker_when_leaving_family_when_back():
    left = wandering_notice("李建国", "家附近", True, AT, 212.4, [DAUGHTER], "G1", "x-1")
    assert left is not None and left.severity == "urgent"
    assert left.roles_in_scope == (("grid_worker", "grid", "G1"),)
    _, body = TEMPLATES[left.template].render(left.variables, "zh-CN")
    assert body == "李建国于12月3日 08:15离开了安全区域“家附近”，最后位置距区域约212米。"
    back = wandering_notice("李建国", "家附近", False, AT, -30, [DAUGHTER], "G1", "x-1")
    assert back is not None and back.roles_in_scope == () and back.request_id.endswith(":returned")
