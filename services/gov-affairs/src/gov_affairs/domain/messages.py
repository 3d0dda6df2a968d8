"""What gov-affairs tells people through the notification service: one template per kind of
message, Chinese and English, with ``{placeholders}`` the notification service fills from the
request's variables (``NotificationRequestedV1.template`` / ``variables``).

Places are named as people say them (幸福里社区 1号楼 1单元 101室) by the caller; no
template ever shows an id or an enum value.
"""

from __future__ import annotations

import re

from gov_affairs.domain.alteration_messages import ALTERATION_TEMPLATES
from gov_affairs.domain.template import Template

TEMPLATES = {
    t.code: t
    for t in (
        Template(
            "gov.notice.published",
            "新公告：{title}",
            "{excerpt}",
            "New notice: {title}",
            "{excerpt}",
        ),
        Template(
            "gov.application.more_requested",
            "请补充办事材料",
            "您申请的“{item}”需要补充：{materials}。{note}",
            "More material needed",
            "Your application for {item_en} needs: {materials_en}. {note}",
        ),
        Template(
            "gov.application.approved",
            "“{item}”已办结",
            "您申请的“{item}”已审核通过。{result}证明验证码：{code}。",
            "{item_en}: approved",
            "Your application for {item_en} was approved. {result_en}Certificate code: {code}.",
        ),
        Template(
            "gov.welfare.reviewed",
            "“{programme}”复核结果",
            "您的“{programme}”已完成年度复核：{outcome}。{amount}",
            "{programme_en}: re-examined",
            "Your {programme_en} was re-examined: {outcome_en}. {amount_en}",
        ),
        Template(
            "gov.device.decided",
            "辅助器具申请结果",
            "您申请的{device}{outcome}。{note}",
            "Assistive device application",
            "Your application for a {device_en} was {outcome_en}. {note}",
        ),
        Template(
            "gov.device.issued",
            "{device}已{handed}",
            "您申请的{device}已于{date}{handed}。{terms}",
            "Assistive device {handed_en}: {device_en}",
            "Your {device_en} was {handed_en} on {date}. {terms_en}",
        ),
        Template(
            "gov.device.returned",
            "辅助器具已归还",
            "您借用的{device}已于{date}登记归还。",
            "Assistive device returned",
            "The {device_en} you borrowed was recorded as returned on {date}.",
        ),
        Template(
            "gov.permit.issued",
            "居住证已签发",
            "您的居住证已签发，证号{number}，有效期至{valid_until}。请每年按时签注。",
            "Residence permit issued",
            "Your residence permit {number} is issued, valid until {valid_until}."
            " Have it endorsed every year.",
        ),
        Template(
            "gov.permit.endorsed",
            "居住证已签注",
            "您的居住证{number}已签注，有效期延至{valid_until}。",
            "Residence permit endorsed",
            "Your residence permit {number} is endorsed, valid until {valid_until}.",
        ),
        Template(
            "gov.permit.reminder",
            "居住证即将到期",
            "您的居住证{number}将于{valid_until}到期（还有{days}天），请及时到社区或派出所签注。",
            "Residence permit expiring",
            "Your residence permit {number} expires on {valid_until} (in {days} days):"
            " have it endorsed at the community office or the police station.",
        ),
        Template(
            "gov.permit.desk_reminder",
            "居住证即将到期：{holder}",
            "{place}的{holder}，居住证{number}将于{valid_until}到期（还有{days}天），"
            "请提醒其及时签注。",
            "Residence permit expiring: {holder_en}",
            "{holder_en} of {place_en}: residence permit {number} expires on {valid_until}"
            " (in {days} days); remind them to have it endorsed.",
        ),
        Template(
            "gov.application.rejected",
            "“{item}”未通过审核",
            "您申请的“{item}”未通过审核：{reason}",
            "{item_en}: not approved",
            "Your application for {item_en} was not approved: {reason}",
        ),
        Template(
            "gov.approval.task",
            "待审批：{item}",
            "{place}的“{item}”申请待您审批，请于{due}前处理。",
            "To approve: {item_en}",
            "An application for {item_en} from {place} waits for you; due {due}.",
        ),
        Template(
            "gov.approval.reminder",
            "审批即将到期：{item}",
            "{place}的“{item}”申请将于{due}到期，请尽快处理。",
            "Approval due soon: {item_en}",
            "The application for {item_en} from {place} is due {due}.",
        ),
        Template(
            "gov.approval.escalated",
            "审批已超时：{item}",
            "{place}的“{item}”申请已超过办理时限（{due}），已转由您处理。",
            "Approval overdue: {item_en}",
            "The application for {item_en} from {place} passed its due time ({due}) and is now"
            " yours to decide.",
        ),
        Template(
            "gov.permit.expiring",
            "居住证将于{date}到期",
            "您的居住证将于{date}到期，还有{days}天，请及时办理签注。",
            "Residence permit expires {date}",
            "Your residence permit expires on {date}, in {days} days; please have it endorsed.",
        ),
        Template(
            "gov.flag.opened",
            "人口核查：{kind}",
            "{place}：{summary}。请核实并在平台上记录处理结果。",
            "Population check: {kind_en}",
            "{place}: {summary}. Please check and record the outcome.",
        ),
        Template(
            "gov.activity.announced",
            "社区活动：{title}",
            "{time}在{venue}举办“{title}”，名额{capacity}人，欢迎报名。",
            "Community activity: {title}",
            "{title} at {venue}, {time}; {capacity} places. Sign up in the app.",
        ),
        Template(
            "gov.activity.promoted",
            "候补成功：{activity}",
            "有人取消了报名，您已从候补转为正式报名“{activity}”（{time}，{venue}）。",
            "You have a place: {activity}",
            "A place came free: you are now signed up for {activity} ({time}, {venue}).",
        ),
        Template(
            "gov.volunteer.certified",
            "志愿者认证通过",
            "您已通过{place}的志愿者认证，志愿者编号{number}。",
            "Volunteer certification approved",
            "You are a certified volunteer of {place}; your volunteer number is {number}.",
        ),
        Template(
            "gov.volunteer.booked",
            "志愿服务预约：{service}",
            "有居民预约了您的“{service}”服务：{time}，{place}。{note}",
            "Service booked: {service}",
            "A resident booked your service {service}: {time}, {place}. {note}",
        ),
        Template(
            "gov.volunteer.hours",
            "志愿服务时长已记录",
            "已记录您参加“{service}”的服务{hours}小时，累计{total}小时。",
            "Volunteer hours recorded",
            "{hours} h of {service} were recorded for you; {total} h in all.",
        ),
        Template(
            "gov.activity.reminder",
            "活动提醒：{activity}",
            "“{activity}”将于{time}在{venue}举办，请准时参加；不能参加请在应用中取消报名。",
            "Reminder: {activity}",
            "{activity} is at {venue}, {time}. If you cannot come, cancel in the app.",
        ),
        Template(
            "gov.legal.booked",
            "新的法律咨询预约",
            "居民预约了您{time}的法律咨询（{mode}），咨询事项：{topic}。",
            "New legal consultation booked",
            "A resident booked your legal consultation on {time_en} ({mode_en}) about {topic_en}.",
        ),
        Template(
            "gov.legal.confirmed",
            "法律咨询已预约",
            "您已预约{lawyer}{time}的法律咨询（{mode}，{venue}），费用：{fee}。",
            "Legal consultation booked",
            "You booked a legal consultation with {lawyer_en} on {time_en} ({mode_en},"
            " {venue}). Fee: {fee_en}.",
        ),
        Template(
            "gov.legal.cancelled",
            "法律咨询预约已取消",
            "{time}的法律咨询预约已取消。{why}",
            "Legal consultation cancelled",
            "The legal consultation on {time_en} was cancelled. {why_en}",
        ),
        Template(
            "gov.legal.withdrawn",
            "法律咨询预约已取消",
            "您预约的{lawyer}{time}的法律咨询已取消：{why}。如需咨询，请另选时段预约。",
            "Legal consultation called off",
            "Your legal consultation with {lawyer_en} on {time_en} was called off: {why_en}."
            " Please book another time if you still need advice.",
        ),
        Template(
            "gov.legal.outcome",
            "法律咨询已有结果",
            "{lawyer}已记录您{time}法律咨询的结果，请在平台查看，并为本次服务评价。",
            "Your legal consultation: outcome recorded",
            "{lawyer_en} recorded the outcome of your legal consultation on {time_en}. Read it"
            " in the app and rate the service.",
        ),
        Template(
            "gov.vote.opened",
            "业主表决：{title}",
            "“{title}”表决已开始，截止{closes}。每户业主一票，可在线投票或填写纸质表决票。",
            "Owners' vote: {title}",
            "Voting on {title} is open until {closes}: one vote per owner, in the app or on paper.",
        ),
        Template(
            "gov.vote.result",
            "表决结果：{title}",
            "{verdict}",
            "Vote result: {title}",
            "{verdict_en}",
        ),
    )
}
TEMPLATES.update({t.code: t for t in ALTERATION_TEMPLATES})
__all__ = ["TEMPLATES", "Template", "both", "render"]


def render(code: str, locale: str, variables: dict[str, str]) -> tuple[str, str]:
    """Title and body as the notification service renders them (a missing variable empty)."""
    t = TEMPLATES[code]
    title, body = (t.zh_title, t.zh_body) if locale.startswith("zh") else (t.en_title, t.en_body)

    def fill(s: str) -> str:
        return re.sub(r"\{([a-z_]+)\}", lambda m: variables.get(m.group(1), ""), s)

    return fill(title), fill(body)


def both(code: str, variables: dict[str, str]) -> dict[str, str]:
    """The texts a request carries: ``title``/``body`` in zh-CN and ``title_en``/``body_en``
    (the notification service gives an English reader those). An English text takes
    ``x_en`` for ``{x}`` where the variables hold one (``place_en``, ``note_en``)."""
    english = {
        **variables,
        **{k: variables[f"{k}_en"] for k in variables if variables.get(f"{k}_en")},
    }
    title, body = render(code, "zh-CN", variables)
    title_en, body_en = render(code, "en", english)
    return {"title": title, "body": body, "title_en": title_en, "body_en": body_en}
