"""Must show: no message a person reads carries an id, a machine value or a sentence in
two languages (issue 18, item 5).

Every service that composes a text for people is driven here with realistic inputs (every
alarm type, severity and state; every case type and state; every care message), and what
notification renders from it, through its own templates, is read in zh-CN and English
(:mod:`reader_texts` says what a reader must never see). No I/O: the composers are pure,
or read only a place's words, which a stand-in gives as identity's directory says them.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from reader_texts import scan, unreadable

from notification.domain.templates import SEED, render
from sc_contracts.vocabulary import VOCABULARY
from sc_core.places.words import PlaceName, say_both

LOCALES = ("zh-CN", "en")
AT = datetime(2026, 12, 4, 1, 30, tzinfo=UTC)
PLACE = PlaceName(
    community="幸福里社区", community_en="Xingfuli Community", building="1", unit="1", room="101"
)
PLACE_ZH, PLACE_EN = say_both(PLACE)


def rendered(template: str, variables: dict[str, str], what: str) -> list[tuple[str, str, str]]:
    """(what, locale, text) of the title and body notification renders in each locale."""
    out = []
    for locale in LOCALES:
        chosen, text = render(template, SEED.get(template, {}), variables, locale, "zh-CN")
        assert chosen == locale, f"{what}: rendered in {chosen}, asked {locale}"
        out += [(f"{what} title", locale, text.title), (f"{what} body", locale, text.body)]
    return out


# ------------------------------------------------------------------ the checker itself


def test_the_checker_finds_each_kind_of_fault() -> None:
    """A planted bad text fails: the faults the issue saw are each found."""
    some_id = str(uuid.uuid4())
    assert unreadable(f"{some_id}发生烟雾告警", "zh-CN")
    assert unreadable("【critical告警】检测到烟雾", "zh-CN")
    assert unreadable("工单已提交，当前状态：submitted", "zh-CN")
    assert unreadable("Smoke detected at 幸福里社区", "en")
    assert unreadable("The water_leak alarm was cleared.", "en")
    assert unreadable("巡更异常 Patrol round missed", "zh-CN")
    # ... and what a person reads as it is passes
    assert not unreadable("【严重告警】检测到烟雾", "zh-CN")
    assert not unreadable("PM2.5 超标，请关闭门窗", "zh-CN")
    assert not unreadable("[critical alarm] Smoke detected", "en")
    assert not unreadable("王**: smoke", "en", names=["王**"])


# ------------------------------------------------------------------ notification's own


def test_notification_templates_say_every_code_in_words() -> None:
    """Every seeded template with every severity, alarm type, case type, status and
    priority a producer sends as a code (one varied at a time)."""
    base = {
        "severity": "critical", "alarm_type": "smoke", "case_type": "repair",
        "status": "submitted", "priority": "urgent", "title": "检测到烟雾",
        "title_en": "Smoke detected", "place": PLACE_ZH, "place_en": PLACE_EN,
        "number": "WO00000042", "stage": "2", "message": "请立即撤离",
        "message_en": "Please leave the building now", "body": "今晚停水",
        "body_en": "No water tonight",
    }  # fmt: skip
    statuses = {"alarm": "alarm_status", "workorder": "work_order_status"}
    found: list[str] = []
    for template in SEED:
        kinds = {
            "severity": "severity",
            "alarm_type": "alarm_type",
            "case_type": "case_type",
            "priority": "priority",
            "status": statuses.get(template.split(".")[0], ""),
        }
        for name, kind in kinds.items():
            for code in VOCABULARY.get(kind, {}):
                variables = {**base, name: code}
                found += scan(rendered(template, variables, f"{template} {name}={code}"),
                              names=["WO00000042"])  # fmt: skip
    assert not found, "\n".join(found[:20])


# ------------------------------------------------------------------ alarm


class _Places:
    """The one read alarm's variables make: the place's words, as the directory says them."""

    async def place_words(self, alarm: Any) -> tuple[str, str]:
        return PLACE_ZH, PLACE_EN


def _alarm(alarm_type: str, severity: str, **more: Any) -> SimpleNamespace:
    title, title_en = more.pop("titles", ("检测到烟雾", "Smoke detected"))
    return SimpleNamespace(
        id=uuid.uuid4(),
        alarm_type=alarm_type,
        severity=severity,
        title=title,
        details={"title_en": title_en} if title_en else {},
        community_id=str(uuid.uuid4()),
        building_id=str(uuid.uuid4()),
        unit_id=str(uuid.uuid4()),
        room_id=str(uuid.uuid4()),
        originator_type="device",
        created_by=None,
        **more,
    )


ALARM_TEMPLATES = ("alarm.raised", "alarm.escalated", "alarm.cleared", "alarm.acknowledged",
                   "alarm.assigned")  # fmt: skip


@pytest.mark.parametrize("titles", [("检测到烟雾", "Smoke detected"), ("水箱离线", None)])
def test_alarm_messages(titles: tuple[str, str | None]) -> None:
    """Every alarm type and severity, in every step of its life, about a flat and about a
    special person (whose name is masked), with the rule's English title or without one."""
    from alarm.engine.notify import broadcast_variables, variables

    elder = SimpleNamespace(name="王秀英")
    found: list[str] = []
    for alarm_type in VOCABULARY["alarm_type"]:
        for severity in ("critical", "major", "minor", "warning", "indeterminate"):
            alarm = _alarm(alarm_type, severity, titles=titles)
            for person in (None, elder):
                told = asyncio.run(variables(_Places(), alarm, person, stage="1"))
                for template in ALARM_TEMPLATES:
                    what = f"{template} {alarm_type}/{severity}"
                    found += scan(rendered(template, told, what), names=["王**"])
            found += scan(rendered("emergency.warning", broadcast_variables(alarm), "broadcast"))
    assert not found, "\n".join(found[:20])


# ------------------------------------------------------------------ work-orders


def _case(case_type: str, status: str, title: str, **details: str) -> Any:
    from work_orders.db.models import WorkOrder

    wo = WorkOrder(
        id=uuid.uuid4(), seq=42, case_type=case_type, status=status, priority="normal",
        title=title, community_id=str(uuid.uuid4()), details=dict(details),
    )  # fmt: skip
    return wo


def _system_titles() -> list[tuple[str, str, dict[str, str]]]:
    """(case type, title, details) of the cases the service opens itself, as it titles them."""
    from work_orders.domain.patrols import RoundOutcome
    from work_orders.domain.titles import alarm_title, booking_title, patrol_title, shop_title

    out = []
    for alarm_type in VOCABULARY["alarm_type"]:
        for severity in VOCABULARY["severity"]:
            zh, en = alarm_title(None, alarm_type, severity)
            out.append(("alarm_dispatch", zh, {"title_en": en}))
    zh, en = alarm_title("检测到烟雾", "smoke", "critical", title_en="Smoke detected")
    out.append(("alarm_dispatch", zh, {"title_en": en}))
    missed = [("V-QR-2", "2号楼东门"), ("V-QR-3", "")]
    for outcome in (RoundOutcome(missed, 30, None), RoundOutcome([], 95, 60)):
        zh, en = patrol_title("夜间巡更路线", outcome)
        out.append(("patrol_issue", zh, {"title_en": en}))
    zh, en = booking_title("幸福里便民服务站", "上门维修水管")
    out.append(("maintenance_booking", zh, {"title_en": en}))
    zh, en = shop_title("老王小吃")
    out.append(("shop_living_check", zh, {"title_en": en}))
    return out


def test_work_order_messages() -> None:
    """Every case type in every state, for every step a notice is sent for, with a
    resident's own title and with each title the service writes itself; and the deadline
    reminder."""
    from work_orders.domain.notices import TEMPLATES, Notice, notice_variables, sla_reminder

    cases = [(ct, "楼道灯不亮", {}) for ct in VOCABULARY["case_type"]] + _system_titles()
    names = ["WO00000042", "楼道灯不亮", "V-QR-2", "V-QR-3", "2号楼东门", "夜间巡更路线",
             "幸福里便民服务站", "上门维修水管", "老王小吃"]  # fmt: skip
    found: list[str] = []
    for case_type, title, details in cases:
        for status in VOCABULARY["work_order_status"]:
            wo = _case(case_type, status, title, **details)
            for template in [*TEMPLATES.values(), "workorder.sla_breached"]:
                told = notice_variables(wo, Notice(template))
                found += scan(rendered(template, told, f"{template} {case_type}/{status}"),
                              names=names)  # fmt: skip
            for deadline in ("response", "resolution"):
                notice = sla_reminder(wo, deadline, AT + timedelta(hours=2))
                told = notice_variables(wo, notice)
                found += scan(rendered(notice.template, told, f"reminder {deadline}"),
                              names=names)  # fmt: skip
    assert not found, "\n".join(found[:20])


# ------------------------------------------------------------------ care


CAP = """<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>SH-MET-20261203-0007</identifier><sender>shanghai-meteorological-bureau</sender>
  <sent>2026-12-03T06:30:00+08:00</sent><status>Actual</status><msgType>Alert</msgType>
  <scope>Public</scope>{infos}</alert>"""
CAP_ZH = """<info><language>zh-CN</language><category>Met</category><event>寒潮预警</event>
  <urgency>Expected</urgency><severity>Severe</severity><certainty>Likely</certainty>
  <senderName>上海中心气象台</senderName><headline>上海中心气象台发布寒潮橙色预警</headline>
  <instruction>老人减少外出，注意保暖。</instruction><expires>2026-12-04T18:00:00+08:00</expires>
  <area><areaDesc>黄浦区</areaDesc><circle>31.30,121.44 2</circle></area></info>"""
CAP_EN = """<info><language>en-US</language><category>Met</category><event>Cold wave</event>
  <urgency>Expected</urgency><severity>Severe</severity><certainty>Likely</certainty>
  <headline>Orange cold-wave warning for Shanghai</headline>
  <instruction>Elders should stay indoors and keep warm.</instruction>
  <expires>2026-12-04T18:00:00+08:00</expires>
  <area><areaDesc>Huangpu</areaDesc><circle>31.30,121.44 2</circle></area></info>"""

BREACHES = {
    "blood_pressure": [{"systolic": 165, "diastolic": 95}, {"systolic": 82, "diastolic": 50}],
    "heart_rate": [{"value": 130}, {"value": 41}],
    "glucose": [{"value": 15.2}, {"value": 3.1}],
    "spo2": [{"value": 88}],
    "temperature": [{"value": 38.6}, {"value": 34.9}],
}
CARE_NAMES = [
    "王秀英", "李小宝", "阳光幼儿园", "张医生", "幸福里社区卫生服务站", "幸福里", "老年活动中心",
    "上海中心气象台", "黄浦区", PLACE_ZH, "孩子今天午睡时磕到额头",
]  # fmt: skip


def _care_notices() -> list[Any]:
    """Every notice care composes, each kind with the inputs that vary its words."""
    from care.adapters.cap import parse_cap
    from care.domain import notices as n
    from care.domain.childcare import Alert, AlertKind
    from care.domain.consent import Recipient
    from care.domain.lone_elder import Anomaly, Rule, Utility
    from care.domain.questionnaire import load, score
    from care.domain.thresholds import assess, default_thresholds, step
    from care.domain.vitals import Source, VitalKind, make_reading
    from care.domain.warnings import plain_words

    family = [Recipient(user_id="u-daughter", relation="daughter")]  # type: ignore[call-arg]
    out: list[Any] = []
    for kind, readings in BREACHES.items():
        t = default_thresholds(78)[VitalKind(kind)]
        for values in readings:
            episode = step(None, assess(make_reading("p-1", kind, values, AT), t)).episode
            for source in Source:
                out.append(n.breach_notice("e-1", "王秀英", episode, t, source, family))
    for rule in Rule:
        for utility in Utility:
            for z in (-3.0, 3.0):
                anomaly = Anomaly("h-1", rule, utility, AT.date(), AT, hours=9.0, total=0.4,
                                  usual=1.2, z=z, since=AT - timedelta(hours=9))  # fmt: skip
                out += n.anomaly_notices(anomaly, "v-1", "王秀英", PLACE_ZH, family, "g-1")
    for left in (True, False):
        out.append(n.wandering_notice("王秀英", "幸福里", left, AT, 812.4, family, "g-1", "x-1"))
    for kind, note in ((AlertKind.FEVER, "at_door"), (AlertKind.FEVER, None),
                       (AlertKind.NOT_PICKED_UP, None),
                       (AlertKind.INCIDENT, "孩子今天午睡时磕到额头")):  # fmt: skip
        alert = Alert(kind, "c-1", AT, value=38.4, note=note)
        out.append(n.childcare_notice(alert, "李小宝", "阳光幼儿园", "17:30", ["u-mum"]))
    for template in ("booked", "reminder", "cancelled"):
        reason = ("医生临时出诊", "the doctor was called out")
        out.append(
            n.appointment_notice(
                f"care.appointment.{template}", "b-1", "王秀英", "张医生",
                "幸福里社区卫生服务站", AT, ["u-1"], reason=reason,
            )
        )  # fmt: skip
    phq9 = load("phq9")
    for answer in ("1", "3"):
        result = score(phq9, {f"q{i}": (answer if i == 9 else "2") for i in range(1, 10)})
        out.append(n.assessment_flag_notice("r-1", "王秀英", phq9, result, ["u-doc"]))
    for infos in (CAP_ZH + CAP_EN, CAP_ZH, CAP_EN):
        words = plain_words(parse_cap(CAP.format(infos=infos)))
        out.append(n.warning_notice("w-1", words, ["h-1"], "urgent"))
    out.append(n.health_notice("n-1", ("1号楼消毒通知", "Disinfection of Building 1"),
                               ("明天上午9点对1号楼公共区域消毒。", "Building 1's shared areas "
                                "are disinfected tomorrow at 9:00."), ["h-1"]))  # fmt: skip
    out.append(n.isolation_notice("i-1", PLACE_ZH, AT, "u-grid", "u-doc"))
    return [x for x in out if x is not None]


def test_care_messages() -> None:
    """Every care message kind, as the notification service renders care's templates."""
    from care.domain.templates import TEMPLATES as CARE

    found: list[str] = []
    notices = _care_notices()
    kinds = {x.template for x in notices}
    assert kinds >= {
        "care.vitals.breach", "care.watch.anomaly", "care.wandering.left",
        "care.childcare.fever", "care.warning", "care.isolation.door_opened",
    }  # fmt: skip
    for notice in notices:
        t = CARE[notice.template]  # the notification service's care.* rows are these texts
        patterns = {"zh-CN": (t.title_zh, t.body_zh), "en": (t.title_en, t.body_en)}
        for locale in LOCALES:
            _, text = render(notice.template, patterns, notice.variables, locale, "zh-CN")
            found += scan([(f"{notice.template} title", locale, text.title),
                           (f"{notice.template} body", locale, text.body)],
                          names=[*CARE_NAMES, *_issued_in_one_language(notice)])  # fmt: skip
    assert not found, "\n".join(found[:20])


def _issued_in_one_language(notice: Any) -> list[str]:
    """A warning the authority issued in one language only is passed on as it was issued
    (nobody may rewrite an official warning): its words read as a name in the other."""
    v = notice.variables
    if notice.template != "care.warning" or v.get("title_zh") != v.get("title_en"):
        return []
    return [v["title_zh"], v["body_zh"]]


# ------------------------------------------------------------------ gov-affairs


GOV_VARIABLES = {
    "item": "居住证明", "item_en": "proof of residence", "place": PLACE_ZH, "place_en": PLACE_EN,
    "code": "7Q2K9F3M", "due": "2026-12-05 17:00", "materials": "户口簿、租房合同",
    "materials_en": "household register, tenancy contract", "note": "请上传清晰的照片",
    "note_en": "please upload a clear photo", "result": "", "result_en": "", "reason": "",
    "date": "2026-12-31", "days": "27", "kind": "人户分离", "kind_en": "living away from home",
    "summary": "登记3人，实住5人", "summary_en": "3 registered, 5 living there",
    "title": "重阳节敬老包饺子活动", "excerpt": "本周六上午在活动中心包饺子。",
    "time": "12月6日 09:00", "time_en": "06 Dec 09:00", "venue": "老年活动中心",
    "capacity": "30", "activity": "重阳节敬老包饺子活动", "closes": "12月20日 18:00",
    "closes_en": "20 Dec 18:00",
    "verdict": "表决通过", "verdict_en": "The proposal passed",
}  # fmt: skip


def test_gov_affairs_messages() -> None:
    """Every message the hall sends, as the notification service renders it (the request
    carries its own title and body, zh-CN and en)."""
    from gov_affairs.domain.messages import TEMPLATES as GOV
    from gov_affairs.domain.messages import both

    names = ["7Q2K9F3M", "重阳节敬老包饺子活动", "老年活动中心", "本周六上午在活动中心包饺子。"]
    found: list[str] = []
    for code in GOV:
        texts = both(code, GOV_VARIABLES)
        found += scan(rendered(code, {**GOV_VARIABLES, **texts}, code), names=names)
    assert not found, "\n".join(found[:20])


# ------------------------------------------------------------------ the others


def test_parking_commerce_and_evaluation_messages() -> None:
    """A watched car at a gate (every reason and decision), a charger's fault (every
    fault a charge point reports), a shop's offer, a survey's reminder."""
    from commerce.domain.offers import deal_text, push_words
    from evaluation.usecases.reminders import message
    from parking_payment.domain.charging import FAULT_WORDS
    from parking_payment.domain.gate import WatchReason
    from parking_payment.usecases.alerts import watch_alert
    from parking_payment.usecases.charging import fault_alert

    texts: list[tuple[str, dict[str, str]]] = []
    gate = SimpleNamespace(name="东门入口", community_id="c-1")
    for reason in WatchReason:
        for action in ("pass", "pay", "refuse"):
            decision = SimpleNamespace(action=SimpleNamespace(value=action))
            alert = watch_alert(gate, "沪A12345", reason, decision, uuid.uuid4())  # type: ignore[arg-type]
            texts.append((f"watch {reason}/{action}", alert.variables))
    cp = SimpleNamespace(id="cp-1", name="地下车库1号充电桩", community_id="c-1")
    for fault in [*FAULT_WORDS, "SomethingNew"]:
        status = SimpleNamespace(connector=1, error_code=fault, status="Faulted", at=AT)
        texts.append((f"charger {fault}", fault_alert(cp, status).variables))  # type: ignore[arg-type]
    for deal in (deal_text(1990, None), deal_text(None, 15)):
        words = push_words("老王小吃", "冬至饺子", "Dumplings for the winter solstice", deal,
                           AT, AT + timedelta(days=7))  # fmt: skip
        texts.append(("offer", words))
    survey = SimpleNamespace(title=SimpleNamespace(zh="物业服务满意度调查", en="Property service "
                             "survey"), closes_at=AT + timedelta(days=3))  # fmt: skip
    texts.append(("survey reminder", message(survey)))  # type: ignore[arg-type]
    names = ["东门入口", "沪A12345", "地下车库1号充电桩", "老王小吃", "冬至饺子"]
    found: list[str] = []
    for what, variables in texts:
        found += scan(rendered("generic.message", variables, what), names=names,
                      codes=[*FAULT_WORDS, *WatchReason, "pass", "pay", "refuse"])  # fmt: skip
    assert not found, "\n".join(found[:20])
