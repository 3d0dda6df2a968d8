"""The texts of every message the care service sends, zh-CN and en (data).

One template per notification code. Placeholders are ``{name}``; where a word differs by
language the variables carry both (``{kind_zh}`` / ``{kind_en}``), so the notification
service renders each reader's language from the same request. These are the texts the
notification service's ``care.*`` templates are seeded with (its migration copies them;
``tests/unit/test_care_templates.py`` checks every template renders whole).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Template:
    code: str
    title_zh: str
    body_zh: str
    title_en: str
    body_en: str

    def render(self, variables: Mapping[str, str], locale: str = "zh-CN") -> tuple[str, str]:
        zh = locale.lower().startswith("zh")
        title, body = (self.title_zh, self.body_zh) if zh else (self.title_en, self.body_en)
        if not zh:  # as the notification service does: ``{x}`` is ``x_en`` where sent
            variables = {**variables, **{k: variables[f"{k}_en"] for k in variables
                                         if variables.get(f"{k}_en")}}  # fmt: skip
        return title.format_map(_Blank(variables)), body.format_map(_Blank(variables))


class _Blank(dict[str, str]):
    def __init__(self, variables: Mapping[str, str]) -> None:
        super().__init__(variables)

    def __missing__(self, key: str) -> str:  # a missing variable renders empty
        return ""


TEMPLATES: dict[str, Template] = {
    t.code: t
    for t in (
        Template(
            "care.vitals.breach",
            "{person}{kind_zh}{direction_zh}",
            "{person}的{kind_zh}{direction_zh}：{value} {unit}（正常范围 {range} {unit}），"
            "测于{time_zh}（{source_zh}）。",
            "{person}: {kind_en} {direction_en}",
            "{person}'s {kind_en} is {direction_en}: {value} {unit} (normal range {range} "
            "{unit}), measured {time_en} ({source_en}).",
        ),
        Template(
            "care.watch.anomaly",
            "请关注独居老人{person}",
            "{person}（{place}）{what_zh}。已为网格员安排上门探视。",
            "Please check on {person}",
            "{person} ({place}): {what_en}. A check-on visit has been arranged for the grid "
            "worker.",
        ),
        Template(
            "care.watch.visit",
            "上门探视：{person}",
            "请上门探视{person}（{place}）：{what_zh}。",
            "Check-on visit: {person}",
            "Please visit {person} ({place}): {what_en}.",
        ),
        Template(
            "care.watch.unreachable",
            "探视未见到{person}",
            "网格员上门探视{person}（{place}）时无人应答，请尽快联系本人。",
            "{person} could not be reached",
            "The grid worker visited {person} ({place}) and nobody answered; please get in "
            "touch with them soon.",
        ),
        Template(
            "care.wandering.left",
            "{person}离开了安全区域",
            "{person}于{time_zh}离开了安全区域“{zone}”，最后位置距区域约{distance}米。",
            "{person} has left the safe zone",
            '{person} left the safe zone "{zone}" at {time_en}; the last position was about '
            "{distance} m outside it.",
        ),
        Template(
            "care.wandering.returned",
            "{person}已回到安全区域",
            "{person}于{time_zh}回到了安全区域“{zone}”。",
            "{person} is back in the safe zone",
            '{person} came back into the safe zone "{zone}" at {time_en}.',
        ),
        Template(
            "care.fall.recorded",
            "{person}疑似跌倒",
            "{person}的手环于{time_zh}报告疑似跌倒，已记入健康档案。",
            "{person} may have fallen",
            "{person}'s wearable reported a possible fall at {time_en}; it is on the care record.",
        ),
        Template(
            "care.appointment.booked",
            "预约成功：{doctor}",
            "已为{person}预约{station}{doctor}，就诊时间{time_zh}。",
            "Booked: {doctor}",
            "{person} is booked with {doctor} at {station}, {time_en}.",
        ),
        Template(
            "care.appointment.reminder",
            "就诊提醒：{time_zh}",
            "{person}预约了{station}{doctor}，就诊时间{time_zh}，请按时前往。",
            "Appointment reminder: {time_en}",
            "{person} has an appointment with {doctor} at {station}, {time_en}.",
        ),
        Template(
            "care.appointment.cancelled",
            "预约已取消",
            "{person}在{time_zh}的预约（{station}{doctor}）已取消：{reason_zh}",
            "Appointment cancelled",
            "{person}'s appointment with {doctor} at {station}, {time_en}, is cancelled: "
            "{reason_en}",
        ),
        Template(
            "care.visit.scheduled",
            "上门随访安排",
            "{assignee}将于{time_zh}上门为{person}随访：{reason_zh}",
            "Home visit arranged",
            "{assignee} will visit {person} at {time_en}: {reason_en}",
        ),
        Template(
            "care.assessment.sent",
            "请填写：{title_zh}",
            "{sender}请{person}填写“{title_zh}”，约需{minutes}分钟。",
            "Please fill in: {title_en}",
            '{sender} asks {person} to fill in "{title_en}"; it takes about {minutes} minutes.',
        ),
        Template(
            "care.assessment.flag",
            "量表提示需要关注：{person}",
            "{person}的“{title_zh}”结果：{band_zh}（{total}分）。{flag_zh}",
            "Assessment needs attention: {person}",
            '{person}\'s "{title_en}": {band_en} ({total} points). {flag_en}',
        ),
        Template(
            "care.warning",
            "{title_zh}",
            "{body_zh}",
            "{title_en}",
            "{body_en}",
        ),
        Template(
            "care.warning.exercise",
            "【演练】{title_zh}",
            "这是一次预警演练，只通知社区工作人员，没有推送给老人。如为真实预警，本社区将有{count}位老人收到："
            "{body_zh}",
            "[Exercise] {title_en}",
            "This is an exercise: only the community's staff are told, not the elderly. As a real "
            "alert it would reach these elderly residents here: {count}. It says: {body_en}",
        ),
        Template(
            "care.help.taken",
            "有人来帮您了",
            "{helper}接下了您的求助“{what}”，将于{time_zh}前后到。",
            "Help is on its way",
            '{helper} took your request "{what}" and will come around {time_en}.',
        ),
        Template(
            "care.help.asked",
            "邻居需要帮助：{what}",
            "{building}有位老人需要帮助：{what}，时间{time_zh}。愿意帮忙的话，请在“邻里互助”中接单。",
            "A neighbour needs help: {what_en}",
            "An elder in {building_en} needs help: {what_en}, {time_en}. Take it under "
            "Neighbours helping neighbours if you can.",
        ),
        Template(
            "care.help.released",
            "接单人无法前来",
            "{helper}无法前来帮忙，您的求助“{what}”已重新开放，等待其他邻居接单。",
            "Your helper cannot come",
            '{helper} cannot come after all; your request "{what}" is open again for other '
            "neighbours.",
        ),
        Template(
            "care.help.cancelled",
            "求助已取消",
            "{person}在{time_zh}的求助“{what}”已取消，不用前往了。谢谢您！",
            "Request cancelled",
            '{person}\'s request "{what}" for {time_en} was cancelled; no need to go. Thank you!',
        ),
        Template(
            "care.help.thanked",
            "{person}感谢您的帮助",
            "{person}确认了您的帮助“{what}”，评分{rating}分。{thanks}",
            "{person} thanks you",
            '{person} confirmed your help with "{what}" and rated it {rating} of 5. {thanks}',
        ),
        Template(
            "care.help.expired",
            "求助已过期",
            "您在{time_zh}的求助“{what}”暂时没有邻居接单，已过期。如仍需要，可以再次发布或联系社区。",
            "Request expired",
            'Nobody could take the request "{what}" for {time_en}, so it has expired. Ask '
            "again, or call the community if you still need help.",
        ),
        Template(
            "care.service.booked",
            "新的服务预约：{service}",
            "{person}预约了{provider}的“{service}”，时间{time_zh}，请确认。",
            "New booking: {service}",
            '{person} booked "{service}" from {provider} for {time_en}; please confirm it.',
        ),
        Template(
            "care.service.confirmed",
            "服务预约已确认",
            "{provider}已确认{person}的“{service}”，时间{time_zh}。",
            "Booking confirmed",
            '{provider} confirmed "{service}" for {person} at {time_en}.',
        ),
        Template(
            "care.service.done",
            "服务已完成，欢迎评价",
            "{person}的“{service}”（{provider}）已完成，欢迎在“增值服务”中评价。",
            "Service done: please rate it",
            '"{service}" for {person} ({provider}) is done; you can rate it under Services.',
        ),
        Template(
            "care.service.cancelled",
            "服务预约已取消",
            "{person}在{time_zh}的“{service}”（{provider}）已取消。",
            "Booking cancelled",
            '"{service}" for {person} at {time_en} ({provider}) was cancelled.',
        ),
        Template(
            "care.childcare.fever",
            "{child}体温偏高",
            "{child}于{time_zh}在{nursery}测得体温{value}℃，{action_zh}",
            "{child} has a temperature",
            "{child} measured {value} ℃ at {nursery} at {time_en}; {action_en}",
        ),
        Template(
            "care.childcare.not_picked_up",
            "{child}尚未接走",
            "{nursery}已于{closes}闭园，{child}还在园内，请尽快来接或联系老师。",
            "{child} has not been picked up",
            "{nursery} closed at {closes} and {child} is still there; please come or call "
            "the teacher.",
        ),
        Template(
            "care.childcare.incident",
            "{child}在园情况",
            "{child}于{time_zh}：{note}",
            "About {child} today",
            "{child} at {time_en}: {note}",
        ),
        Template(
            "care.childcare.checked",
            "{child}{direction_zh}",
            "{child}已于{time_zh}由{guardian}{direction_zh}。",
            "{child} {direction_en}",
            "{child} was {direction_en} by {guardian} at {time_en}.",
        ),
        Template(
            "care.isolation.door_opened",
            "居家隔离门磁提醒",
            "{place}的居家隔离人员房门于{time_zh}被打开，请核实情况。",
            "Home isolation: door opened",
            "The door of the home isolation at {place} was opened at {time_en}; please check.",
        ),
        Template(
            "care.health.notice",
            "{title_zh}",
            "{body_zh}",
            "{title_en}",
            "{body_en}",
        ),
        Template(
            "care.medicine.accepted",
            "送药申请已受理",
            "{person}的送药申请（{count}种）已由社区卫生服务站受理，将尽快安排配送。",
            "Medicine delivery accepted",
            "The health station accepted {person}'s medicine delivery ({count_en}); it comes soon.",
        ),
        Template(
            "care.medicine.out_for_delivery",
            "药品正在配送",
            "{person}的药品（{count}种）已于{time_zh}出发配送，请留意接收。",
            "Medicines on their way",
            "{person}'s medicines ({count_en}) left at {time_en}; please be ready for them.",
        ),
        Template(
            "care.medicine.delivered",
            "药品已送达",
            "{person}的药品（{count}种）已于{time_zh}送达。",
            "Medicines delivered",
            "{person}'s medicines ({count_en}) were delivered at {time_en}.",
        ),
        Template(
            "care.medicine.cancelled",
            "送药申请已取消",
            "{person}的送药申请（{count}种）已于{time_zh}取消。",
            "Medicine delivery cancelled",
            "The medicine delivery for {person} ({count_en}) was cancelled at {time_en}.",
        ),
    )
}
