# ruff: noqa: E501 - message texts, one per line
"""templates of the care service's messages (care.*)

Revision ID: 0003
Revises: 0002

The texts are care's (``care.domain.templates``: zh-CN and en, variables carrying both
languages where a word differs); care's tests check this copy is the same. An admin who
already made a template with one of these codes keeps theirs.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import insert

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

CARE_TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "care.vitals.breach": {
        "zh-CN": (
            "{person}{kind_zh}{direction_zh}",
            "{person}的{kind_zh}{direction_zh}：{value} {unit}（正常范围 {range} {unit}），测于{time_zh}（{source_zh}）。",
        ),
        "en": (
            "{person}: {kind_en} {direction_en}",
            "{person}'s {kind_en} is {direction_en}: {value} {unit} (normal range {range} {unit}), measured {time_en} ({source_en}).",
        ),
    },
    "care.watch.anomaly": {
        "zh-CN": (
            "请关注独居老人{person}",
            "{person}（{place}）{what_zh}。已为网格员安排上门探视。",
        ),
        "en": (
            "Please check on {person}",
            "{person} ({place}): {what_en}. A check-on visit has been arranged for the grid worker.",
        ),
    },
    "care.watch.visit": {
        "zh-CN": ("上门探视：{person}", "请上门探视{person}（{place}）：{what_zh}。"),
        "en": ("Check-on visit: {person}", "Please visit {person} ({place}): {what_en}."),
    },
    "care.watch.unreachable": {
        "zh-CN": (
            "探视未见到{person}",
            "网格员上门探视{person}（{place}）时无人应答，请尽快联系本人。",
        ),
        "en": (
            "{person} could not be reached",
            "The grid worker visited {person} ({place}) and nobody answered; please get in touch with them soon.",
        ),
    },
    "care.wandering.left": {
        "zh-CN": (
            "{person}离开了安全区域",
            "{person}于{time_zh}离开了安全区域“{zone}”，最后位置距区域约{distance}米。",
        ),
        "en": (
            "{person} has left the safe zone",
            '{person} left the safe zone "{zone}" at {time_en}; the last position was about {distance} m outside it.',
        ),
    },
    "care.wandering.returned": {
        "zh-CN": ("{person}已回到安全区域", "{person}于{time_zh}回到了安全区域“{zone}”。"),
        "en": (
            "{person} is back in the safe zone",
            '{person} came back into the safe zone "{zone}" at {time_en}.',
        ),
    },
    "care.fall.recorded": {
        "zh-CN": ("{person}疑似跌倒", "{person}的手环于{time_zh}报告疑似跌倒，已记入健康档案。"),
        "en": (
            "{person} may have fallen",
            "{person}'s wearable reported a possible fall at {time_en}; it is on the care record.",
        ),
    },
    "care.appointment.booked": {
        "zh-CN": ("预约成功：{doctor}", "已为{person}预约{station}{doctor}，就诊时间{time_zh}。"),
        "en": ("Booked: {doctor}", "{person} is booked with {doctor} at {station}, {time_en}."),
    },
    "care.appointment.reminder": {
        "zh-CN": (
            "就诊提醒：{time_zh}",
            "{person}预约了{station}{doctor}，就诊时间{time_zh}，请按时前往。",
        ),
        "en": (
            "Appointment reminder: {time_en}",
            "{person} has an appointment with {doctor} at {station}, {time_en}.",
        ),
    },
    "care.appointment.cancelled": {
        "zh-CN": (
            "预约已取消",
            "{person}在{time_zh}的预约（{station}{doctor}）已取消：{reason_zh}",
        ),
        "en": (
            "Appointment cancelled",
            "{person}'s appointment with {doctor} at {station}, {time_en}, is cancelled: {reason_en}",
        ),
    },
    "care.visit.scheduled": {
        "zh-CN": ("上门随访安排", "{assignee}将于{time_zh}上门为{person}随访：{reason_zh}"),
        "en": ("Home visit arranged", "{assignee} will visit {person} at {time_en}: {reason_en}"),
    },
    "care.assessment.sent": {
        "zh-CN": ("请填写：{title_zh}", "{sender}请{person}填写“{title_zh}”，约需{minutes}分钟。"),
        "en": (
            "Please fill in: {title_en}",
            '{sender} asks {person} to fill in "{title_en}"; it takes about {minutes} minutes.',
        ),
    },
    "care.assessment.flag": {
        "zh-CN": (
            "量表提示需要关注：{person}",
            "{person}的“{title_zh}”结果：{band_zh}（{total}分）。{flag_zh}",
        ),
        "en": (
            "Assessment needs attention: {person}",
            '{person}\'s "{title_en}": {band_en} ({total} points). {flag_en}',
        ),
    },
    "care.warning": {
        "zh-CN": ("{title_zh}", "{body_zh}"),
        "en": ("{title_en}", "{body_en}"),
    },
    "care.help.taken": {
        "zh-CN": ("有人来帮您了", "{helper}接下了您的求助“{what}”，将于{time_zh}前后到。"),
        "en": (
            "Help is on its way",
            '{helper} took your request "{what}" and will come around {time_en}.',
        ),
    },
    "care.childcare.fever": {
        "zh-CN": ("{child}体温偏高", "{child}于{time_zh}在{nursery}测得体温{value}℃，{action_zh}"),
        "en": (
            "{child} has a temperature",
            "{child} measured {value} ℃ at {nursery} at {time_en}; {action_en}",
        ),
    },
    "care.childcare.not_picked_up": {
        "zh-CN": (
            "{child}尚未接走",
            "{nursery}已于{closes}闭园，{child}还在园内，请尽快来接或联系老师。",
        ),
        "en": (
            "{child} has not been picked up",
            "{nursery} closed at {closes} and {child} is still there; please come or call the teacher.",
        ),
    },
    "care.childcare.incident": {
        "zh-CN": ("{child}在园情况", "{child}于{time_zh}：{note}"),
        "en": ("About {child} today", "{child} at {time_en}: {note}"),
    },
    "care.childcare.checked": {
        "zh-CN": ("{child}{direction_zh}", "{child}已于{time_zh}由{guardian}{direction_zh}。"),
        "en": ("{child} {direction_en}", "{child} was {direction_en} by {guardian} at {time_en}."),
    },
    "care.isolation.door_opened": {
        "zh-CN": ("居家隔离门磁提醒", "{place}的居家隔离人员房门于{time_zh}被打开，请核实情况。"),
        "en": (
            "Home isolation: door opened",
            "The door of the home isolation at {place} was opened at {time_en}; please check.",
        ),
    },
    "care.health.notice": {
        "zh-CN": ("{title_zh}", "{body_zh}"),
        "en": ("{title_en}", "{body_en}"),
    },
}

_template = sa.table(
    "template",
    sa.column("code", sa.String),
    sa.column("locale", sa.String),
    sa.column("title", sa.Text),
    sa.column("body", sa.Text),
    sa.column("updated_by", sa.String),
)


def upgrade() -> None:
    rows = [
        {"code": code, "locale": locale, "title": title, "body": body, "updated_by": "migration"}
        for code, by_locale in CARE_TEMPLATES.items()
        for locale, (title, body) in by_locale.items()
    ]
    op.execute(insert(_template).values(rows).on_conflict_do_nothing())


def downgrade() -> None:
    op.execute(
        _template.delete().where(
            _template.c.code.in_(list(CARE_TEMPLATES)), _template.c.updated_by == "migration"
        )
    )
