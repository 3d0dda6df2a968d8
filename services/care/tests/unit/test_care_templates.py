"""Every care message renders whole in both languages; notices go to the right people once."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from care.domain.consent import Recipient, Relation
from care.domain.lone_elder import Anomaly, Rule, Utility
from care.domain.notices import anomaly_notices, breach_notice, wandering_notice
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


def test_childcare_notices_in_words_guardians_read():
    from care.domain.childcare import Alert, AlertKind
    from care.domain.notices import childcare_notice

    door = Alert(AlertKind.FEVER, "c-1", AT, 37.8, note="at_door")
    n = childcare_notice(door, "李小宝", "幸福里社区托育园", "17:30", ["u-mum", "u-gran"])
    assert n is not None and n.user_ids == ("u-mum", "u-gran")
    _, body = TEMPLATES[n.template].render(n.variables, "zh-CN")
    assert body == (
        "李小宝于12月3日 08:15在幸福里社区托育园测得体温37.8℃，今天暂不能入园，请带孩子就医观察。"
    )
    late = Alert(AlertKind.NOT_PICKED_UP, "c-1", AT)
    n = childcare_notice(late, "李小宝", "幸福里社区托育园", "17:30", ["u-mum"])
    _, body = TEMPLATES[n.template].render(n.variables, "en")
    assert body == (
        "幸福里社区托育园 closed at 17:30 and 李小宝 is still there; "
        "please come or call the teacher."
    )
    assert childcare_notice(late, "李小宝", "幸福里社区托育园", "17:30", []) is None


def test_appointment_reminders_are_each_sent_once():
    from datetime import timedelta

    from care.domain.notices import appointment_notice

    start = AT + timedelta(days=1)
    a = appointment_notice(
        "care.appointment.reminder",
        "b-1",
        "王秀英",
        "张医生",
        "幸福里社区卫生服务站",
        start,
        ["u-1"],
    )
    b = appointment_notice(
        "care.appointment.booked", "b-1", "王秀英", "张医生", "幸福里社区卫生服务站", start, ["u-1"]
    )
    assert a.request_id != b.request_id and "sms" in a.channels
    _, body = TEMPLATES[a.template].render(a.variables, "zh-CN")
    assert body == "王秀英预约了幸福里社区卫生服务站张医生，就诊时间12月4日 08:15，请按时前往。"


def test_a_phq9_self_harm_answer_reaches_the_doctor_as_critical():
    from care.domain.notices import assessment_flag_notice
    from care.domain.questionnaire import load, score

    p = load("phq9")
    r = score(p, {f"q{n}": ("1" if n == 9 else "0") for n in range(1, 10)})
    n = assessment_flag_notice("r-1", "王秀英", p, r, ["u-doc"])
    assert n is not None and n.severity == "critical"
    _, body = TEMPLATES[n.template].render(n.variables, "zh-CN")
    assert body.startswith(
        "王秀英的“患者健康问卷抑郁量表（PHQ-9）”结果：没有抑郁或极轻微（1分）。第9题"
    )
    calm = score(p, {f"q{n}": "0" for n in range(1, 10)})
    assert assessment_flag_notice("r-2", "王秀英", p, calm, ["u-doc"]) is None


def test_the_notification_service_is_seeded_with_these_very_texts():
    """The notification service renders care's messages from its own template table; its
    migration copies :data:`TEMPLATES` (read here as text: services never import each
    other). A text changed on one side only fails here."""
    import ast
    from pathlib import Path

    versions = (
        Path(__file__).resolve().parents[3] / "notification/src/notification/db/migrations/versions"
    )
    seeded: dict[str, object] = {}
    for name in (
        "0003_care_templates.py",
        "0008_care_medicine_templates.py",
        "0009_care_elderly_templates.py",
        "0010_care_exercise_templates.py",
    ):
        tree = ast.parse((versions / name).read_text(encoding="utf-8"))
        found = next(
            ast.literal_eval(node.value)
            for node in tree.body
            if isinstance(node, ast.AnnAssign)
            and getattr(node.target, "id", "") == "CARE_TEMPLATES"
        )
        assert not set(found) & set(seeded), "a code seeded twice"
        seeded.update(found)
    assert seeded == {
        code: {"zh-CN": (t.title_zh, t.body_zh), "en": (t.title_en, t.body_en)}
        for code, t in TEMPLATES.items()
    }


def test_warnings_and_health_notices_go_to_households():
    import pytest

    from care.domain.notices import health_notice, isolation_notice, warning_notice

    words = {
        "title_zh": "寒潮橙色预警",
        "body_zh": "注意保暖",
        "title_en": "Cold",
        "body_en": "Keep warm",
    }
    n = warning_notice("SH-1", words, ["h-2", "h-1", "h-2"], "urgent")
    assert n is not None and n.household_ids == ("h-1", "h-2") and n.template == "care.warning"
    assert TEMPLATES[n.template].render(n.variables, "zh-CN") == ("寒潮橙色预警", "注意保暖")
    assert warning_notice("SH-1", words, [], "urgent") is None
    h = health_notice("n-1", ("消毒通知", "Disinfection"), ("今晚消毒", "Tonight"), ["h-1"])
    assert h.request_id == "care:health-notice:n-1"
    with pytest.raises(ValueError, match="both languages"):
        health_notice("n-2", ("消毒通知", ""), ("今晚消毒", "Tonight"), ["h-1"])
    i = isolation_notice("iso-1", "幸福里社区 2号楼 1单元 301室", AT, "u-grid", "u-doc")
    assert i.user_ids == ("u-grid", "u-doc")
    _, body = TEMPLATES[i.template].render(i.variables, "zh-CN")
    assert (
        body == "幸福里社区 2号楼 1单元 301室的居家隔离人员房门于12月3日 08:15被打开，请核实情况。"
    )
