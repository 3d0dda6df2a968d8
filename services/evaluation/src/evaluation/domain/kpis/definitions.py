"""The service KPIs: what each measures, from which events, and which way is better.

Every KPI is a ratio of two sums (``num / den``) over contributions, or a plain count
(``num``), so day figures add up exactly to months, quarters and years, and a
contribution can be taken back when a late event changes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from evaluation.domain.text import Text

Unit = Literal["seconds", "rate", "score", "count"]
Better = Literal["higher", "lower"]


@dataclass(frozen=True)
class Kpi:
    code: str
    name: Text
    unit: Unit
    better: Better
    topic: str
    definition: Text
    available: bool = True  # False: the events do not carry what it needs yet


def _k(
    code: str,
    zh: str,
    en: str,
    unit: Unit,
    better: Better,
    topic: str,
    dzh: str,
    den: str,
    available: bool = True,
) -> Kpi:
    return Kpi(
        code,
        Text(zh=zh, en=en),
        unit,
        better,
        topic,
        Text(zh=dzh, en=den),
        available,
    )


WO, AL, NO = "workorder.events.v1", "alarm.events.v1", "notification.deliveries.v1"
HALL, ACT, PAY = "gov.applications.v1", "gov.activities.v1", "payment.orders.v1"
ALERTS, VISITS = "care.alerts.v1", "care.visits.v1"
WELFARE, TRAINING = "gov.welfare.v1", "gov.training.v1"
LEGAL, PARTY = "gov.legal.v1", "gov.party.v1"

KPIS: dict[str, Kpi] = {
    k.code: k
    for k in (
        _k(
            "wo.opened",
            "新建工单数",
            "Cases opened",
            "count",
            "lower",
            WO,
            "当期新建的工单数量（按创建时间）。",
            "Cases created in the period.",
        ),
        _k(
            "wo.first_response_s",
            "首次响应时长",
            "First response time",
            "seconds",
            "lower",
            WO,
            "从工单创建到工作人员第一次处理（受理、驳回、派单、开始、回复或办结）的平均时长，计入首次处理所在的时段。",
            "Mean time from a case's creation to staff's first step on it (accept, reject, "
            "assign, start, reply or resolve), counted in the period of that step.",
        ),
        _k(
            "wo.resolution_s",
            "办结时长",
            "Resolution time",
            "seconds",
            "lower",
            WO,
            "从工单创建到第一次办结的平均时长，计入办结所在的时段。",
            "Mean time from creation to the first resolution, counted in its period.",
        ),
        _k(
            "wo.on_time_rate",
            "按时办结率",
            "Resolved on time",
            "rate",
            "higher",
            WO,
            "当期首次办结的工单中，办结前没有超时（SLA）的比例。",
            "Share of cases first resolved in the period with no SLA breach before that.",
        ),
        _k(
            "wo.sla_breaches",
            "超时次数",
            "SLA breaches",
            "count",
            "lower",
            WO,
            "当期发生的超时次数（同一工单同一时限只计一次）。",
            "SLA deadlines passed in the period (one per case and deadline).",
        ),
        _k(
            "wo.reopen_rate",
            "重新打开率",
            "Reopen rate",
            "rate",
            "lower",
            WO,
            "当期重新打开次数与办结次数之比。",
            "Reopenings in the period over resolutions in the period.",
        ),
        _k(
            "wo.rating_mean",
            "平均评分",
            "Mean rating",
            "score",
            "higher",
            WO,
            "居民对工单处理的平均评分（1–5分，同一工单以最后一次评价为准），计入评价所在的时段。",
            "Residents' mean rating of cases (1–5; a case's latest rating counts), in the "
            "period it was given.",
        ),
        _k(
            "wo.satisfied_rate",
            "满意率",
            "Satisfied share",
            "rate",
            "higher",
            WO,
            "评分为4分或5分的评价所占比例。",
            "Share of ratings of 4 or 5.",
        ),
        _k(
            "alarm.raised",
            "告警数",
            "Alarms raised",
            "count",
            "lower",
            AL,
            "当期首次触发的告警数量。",
            "Alarms first raised in the period.",
        ),
        _k(
            "alarm.ack_s",
            "告警确认时长",
            "Time to acknowledge",
            "seconds",
            "lower",
            AL,
            "从告警触发到被确认的平均时长，计入确认所在的时段。",
            "Mean time from an alarm being raised to its acknowledgement, in that period.",
        ),
        _k(
            "alarm.clear_s",
            "告警解除时长",
            "Time to clear",
            "seconds",
            "lower",
            AL,
            "从告警触发到解除的平均时长（含规则自动解除），计入解除所在的时段。",
            "Mean time from raising to clearing (automatic clears included), in that period.",
        ),
        _k(
            "alarm.false_rate",
            "误报率",
            "False-alarm share",
            "rate",
            "lower",
            AL,
            "当期由处置人员解除并作出判定的告警中，被判定为误报的比例（自动解除或未判定的不计入）。",
            "Share of the alarms cleared in the period by a person who judged them that were "
            "false alarms (automatic or unjudged clears are left out).",
        ),
        _k(
            "notify.delivery_rate",
            "通知送达率",
            "Delivery rate",
            "rate",
            "higher",
            NO,
            "已发送与（已发送＋发送失败）之比；因免打扰暂缓或按偏好不发的不计入。",
            "Sent over sent plus failed; deliveries held by quiet hours or suppressed by "
            "preference are left out.",
        ),
        _k(
            "notify.read_rate",
            "站内信阅读率",
            "In-app read rate",
            "rate",
            "higher",
            NO,
            "当期发出的站内信中已被阅读的比例（按发出当期计）。",
            "Share of the in-app messages sent in the period that have been read (counted in "
            "the period they were sent).",
        ),
        _k(
            "hall.submitted",
            "网上办件数",
            "Applications submitted",
            "count",
            "higher",
            HALL,
            "当期向网上办事大厅提交的申请数（按提交时间）。",
            "Applications submitted to the online service hall in the period.",
        ),
        _k(
            "hall.decision_s",
            "办件办结时长",
            "Application decision time",
            "seconds",
            "lower",
            HALL,
            "从提交申请到批准或不予批准的平均时长（含补正等待），计入办结所在的时段。",
            "Mean time from an application's submission to its approval or rejection "
            "(waiting for more material included), counted in the period of the decision.",
        ),
        _k(
            "hall.approval_rate",
            "办件通过率",
            "Applications approved",
            "rate",
            "higher",
            HALL,
            "办结的申请中予以批准的比例；撤回的不计入。",
            "Share of the decided applications that were approved; withdrawn ones are left out.",
        ),
        _k(
            "activity.held",
            "举办活动数",
            "Activities held",
            "count",
            "higher",
            ACT,
            "当期开始并已举办（结束或归档）的社区活动数；取消的不计入。",
            "Community activities that started in the period and took place (finished or "
            "archived); cancelled ones are left out.",
        ),
        _k(
            "activity.attendance_rate",
            "活动到场率",
            "Activity attendance",
            "rate",
            "higher",
            ACT,
            "已举办活动中签到人数与报名人数之比。",
            "People who checked in over people with a place, for the activities held.",
        ),
        _k(
            "activity.rating_mean",
            "活动平均评分",
            "Activity rating",
            "score",
            "higher",
            ACT,
            "已举办活动的参与者平均评分（1–5）的平均值。",
            "Mean of the held activities' mean ratings by participants (1–5).",
        ),
        _k(
            "welfare.enrolled",
            "新纳入救助人数",
            "Welfare records begun",
            "count",
            "higher",
            WELFARE,
            "当期新纳入低保、临时救助、残疾人补贴、高龄补贴等民政保障的人数（按纳入时间，分项目）。",
            "People who began receiving a welfare benefit in the period (minimum living "
            "allowance, hardship aid, disability or old-age allowance), per programme.",
        ),
        _k(
            "welfare.ended",
            "退出救助人数",
            "Welfare records ended",
            "count",
            "lower",
            WELFARE,
            "当期停止享受民政保障的人数（按停止时间，分项目）。",
            "People whose welfare benefit ended in the period, per programme.",
        ),
        _k(
            "welfare.paid_months",
            "救助金发放人次",
            "Welfare payments made",
            "count",
            "higher",
            WELFARE,
            "当期记录发放的救助金人次（每人每月只计一次，按发放时间）：月度的民政保障覆盖面。",
            "Monthly welfare payments recorded in the period (one per person and month, at "
            "the payment): how many the benefits reach each month.",
        ),
        _k(
            "training.completed",
            "培训完成人次",
            "Courses completed",
            "count",
            "higher",
            TRAINING,
            "当期完成安全教育或员工培训课程的人次（每人每门课程只计一次，按完成时间；分居民与员工）。",
            "Safety-education and staff-training courses completed in the period (once per "
            "person and course, at the completion), residents' and staff's apart.",
        ),
        _k(
            "legal.booked",
            "法律咨询预约数",
            "Legal consultations booked",
            "count",
            "higher",
            LEGAL,
            "当期居民预约社区律师法律咨询的次数（按预约时间；分咨询事项）。",
            "Consultations with a community lawyer that residents booked in the period (at "
            "the booking), by the matter asked about.",
        ),
        _k(
            "legal.kept_rate",
            "法律咨询履约率",
            "Legal consultations kept",
            "rate",
            "higher",
            LEGAL,
            "已结束的法律咨询预约中如期咨询的比例（居民或社区取消、时段或律师撤下的计为未履约），计入咨询或取消的时段。",
            "Share of the legal consultation bookings that ended in a consultation (those "
            "cancelled by the resident or the office, or called off with their slot or "
            "lawyer, count as not kept), counted in the period of the consultation or "
            "cancellation.",
        ),
        _k(
            "legal.cancelled",
            "法律咨询取消数",
            "Legal consultations cancelled",
            "count",
            "lower",
            LEGAL,
            "当期被居民或社区取消、或因时段或律师撤下而取消的法律咨询预约数。",
            "Legal consultation bookings cancelled in the period, by the resident or the "
            "office or with their slot or lawyer withdrawn.",
        ),
        _k(
            "legal.rating_mean",
            "法律咨询平均评分",
            "Legal consultation rating",
            "score",
            "higher",
            LEGAL,
            "居民对法律咨询的平均评分（1–5星，每次预约以最新评分为准），计入评分所在的时段。",
            "Mean of the residents' stars (1-5) for legal consultations, the latest per "
            "booking, counted in the period of the rating.",
        ),
        _k(
            "party.opinions_answered_rate",
            "党组织意见及时答复率",
            "Opinions answered within 7 days",
            "rate",
            "higher",
            PARTY,
            "居民向党组织提出的意见中7天内得到答复的比例（按提出时间；尚未答复或超过7天答复的计为未及时答复）。",
            "Share of the residents' opinions to a party organisation answered within 7 days "
            "of being given (counted in the period they were given; not yet answered, or "
            "answered later, counts as not in time).",
        ),
        _k(
            "party.meetings",
            "三会一课开展次数",
            "Party meetings held",
            "count",
            "higher",
            PARTY,
            "当期党组织召开的支部党员大会、支部委员会、党小组会和党课次数（按召开日期；分会议类型）。",
            "Branch assemblies, branch committees, party group meetings and party lectures "
            "held in the period (at the day held), by kind.",
        ),
        _k(
            "party.attendance_rate",
            "三会一课出席率",
            "Party meeting attendance",
            "rate",
            "higher",
            PARTY,
            "党组织会议中出席党员占当时党员总数的比例（请假计为未出席），计入召开日期所在的时段。",
            "Share of the members who attended the party organisation's meetings, of the "
            "members then (excused counts as not attending), in the period of the meeting.",
        ),
        _k(
            "pay.success_rate",
            "线上支付成功率",
            "Online payments completed",
            "rate",
            "higher",
            PAY,
            "线上支付订单中支付成功的比例（超时或取消未付的计为未成功），计入支付或关闭的时段。",
            "Share of online payment orders that were paid (those closed unpaid, timed out or "
            "cancelled, count as not completed), counted in the period of the payment or "
            "closing.",
        ),
        _k(
            "care.breaches",
            "体征异常次数",
            "Vital-sign breaches",
            "count",
            "lower",
            ALERTS,
            "当期开始的体征超出个人范围的异常次数（同一异常过程只计一次，按测量时间）。",
            "Episodes of a person's vital signs leaving their range that began in the period "
            "(one per episode, at the reading that opened it).",
        ),
        _k(
            "care.breach_told_rate",
            "体征异常告知率",
            "Breaches told",
            "rate",
            "higher",
            ALERTS,
            "体征异常中已按本人同意告知家属或网格员的比例。",
            "Share of the vital-sign breaches that someone (family, the grid worker, as the "
            "person consented) was told of.",
        ),
        _k(
            "care.wandering",
            "走失预警次数",
            "Wandering episodes",
            "count",
            "lower",
            ALERTS,
            "当期佩戴设备离开安全区域的次数（离开后再次离开前须先返回）。",
            "Times a wearer left their safe zone in the period (a second leaving counts only "
            "after a return).",
        ),
        _k(
            "care.wandering_return_s",
            "走失返回时长",
            "Time back in the safe zone",
            "seconds",
            "lower",
            ALERTS,
            "从离开安全区域到返回的平均时长，计入返回所在的时段。",
            "Mean time from leaving the safe zone to coming back, counted in the period of "
            "the return.",
        ),
        _k(
            "care.checks_opened",
            "关爱探访发起数",
            "Check-on visits opened",
            "count",
            "lower",
            ALERTS,
            "独居老人用水用电异常触发的上门探访数（按发现时间）。",
            "Check-on visits opened by a lone elder's unusual water or electricity use, in "
            "the period they were opened.",
        ),
        _k(
            "care.checks_done",
            "关爱探访完成数",
            "Check-on visits done",
            "count",
            "higher",
            VISITS,
            "当期完成并登记的关爱探访数（按登记时间）。",
            "Check-on visits recorded as done in the period.",
        ),
        _k(
            "care.check_time_s",
            "探访到达时长",
            "Time to visit",
            "seconds",
            "lower",
            VISITS,
            "从发现异常到完成探访登记的平均时长，计入探访所在的时段。",
            "Mean time from the anomaly being found to the visit being recorded, counted in "
            "the period of the visit.",
        ),
    )
}
