"""Legal services (法律服务, 6.5.4): the words of lawyers, consultation slots and bookings,
and the rules of a booking's life, pure.

A booking is ``booked`` from the moment a resident takes a slot; the resident (or the
community's office) may cancel it before it starts; the lawyer (or the office) records
the outcome, which makes it ``done``; the resident then rates it once, 1 to 5 stars. A
fee, where there is one, is an amount in fen recorded with the slot and the booking: this
platform never charges it."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from gov_affairs.domain.text import Refusal, Text

Kind = Literal["lawyer", "adviser"]
Mode = Literal["in_person", "phone", "video"]
Topic = Literal[
    "family", "labour", "housing", "neighbours", "contract", "inheritance", "consumer", "other"
]
Status = Literal["booked", "cancelled", "done"]

KIND_WORDS = {
    "lawyer": Text(zh="社区律师", en="community lawyer"),
    "adviser": Text(zh="法律顾问", en="legal adviser"),
}
MODE_WORDS = {
    "in_person": Text(zh="当面咨询", en="in person"),
    "phone": Text(zh="电话咨询", en="by phone"),
    "video": Text(zh="视频咨询", en="by video"),
}
TOPIC_WORDS = {
    "family": Text(zh="婚姻家庭", en="marriage and family"),
    "labour": Text(zh="劳动用工", en="work and wages"),
    "housing": Text(zh="房产物业", en="housing and property management"),
    "neighbours": Text(zh="邻里纠纷", en="disputes between neighbours"),
    "contract": Text(zh="合同债务", en="contracts and debts"),
    "inheritance": Text(zh="继承赡养", en="inheritance and support of parents"),
    "consumer": Text(zh="消费维权", en="consumer rights"),
    "other": Text(zh="其他法律问题", en="another legal question"),
}
STATUS_WORDS = {
    "booked": Text(zh="已预约", en="booked"),
    "cancelled": Text(zh="已取消", en="cancelled"),
    "done": Text(zh="已咨询", en="consulted"),
}


class LegalError(Refusal):
    pass


def fee_words(fen: int) -> Text:
    """A fee as people read it: 免费 / free, or ¥ with two decimals."""
    if fen <= 0:
        return Text(zh="免费", en="free")
    amount = f"{fen // 100}.{fen % 100:02d}"
    return Text(zh=f"{amount}元", en=f"CNY {amount}")


def check_bookable(
    *, starts_at: datetime, withdrawn: bool, lawyer_active: bool, now: datetime
) -> None:
    if withdrawn or not lawyer_active:
        raise LegalError(
            "legal.slot_unavailable",
            "This consultation time is no longer offered",
            zh="该咨询时段已不再提供",
        )
    if starts_at <= now:
        raise LegalError(
            "legal.slot_past", "This consultation time has already begun", zh="该咨询时段已开始"
        )


# why a booked consultation is called off by the office (the booker is told in these words)
WITHDRAWN_WORDS = {
    "slot": Text(zh="该咨询时段已撤回", en="the consultation time was withdrawn"),
    "lawyer": Text(
        zh="该律师已暂停在本社区提供咨询", en="the lawyer no longer consults in the community"
    ),
}


def check_withdraw(*, starts_at: datetime, withdrawn: bool, now: datetime) -> None:
    """The office withdraws a slot still to come, once."""
    if withdrawn:
        raise LegalError(
            "legal.slot_withdrawn",
            "This consultation time is withdrawn already",
            zh="该咨询时段已撤回",
        )
    if starts_at <= now:
        raise LegalError(
            "legal.slot_past", "This consultation time has already begun", zh="该咨询时段已开始"
        )


def check_active(active: bool, *, want: bool) -> None:
    """A lawyer is deactivated while active and reactivated while not."""
    if active == want:
        raise LegalError(
            "legal.lawyer_active" if active else "legal.lawyer_inactive",
            "The lawyer serves the community already"
            if active
            else "The lawyer is deactivated already",
            zh="该律师已在本社区提供服务" if active else "该律师已暂停服务",
        )


def check_serving(active: bool) -> None:
    """Slots are published for a lawyer who serves the community."""
    if not active:
        check_active(active, want=False)


def check_cancel(status: str, starts_at: datetime, now: datetime) -> None:
    if status != "booked":
        raise LegalError(
            "legal.not_booked",
            f"The booking is {STATUS_WORDS[status].en} and cannot be cancelled",
            zh=f"该预约{STATUS_WORDS[status].zh}，不能取消",
        )
    if starts_at <= now:
        raise LegalError(
            "legal.too_late",
            "A consultation that has begun cannot be cancelled",
            zh="咨询已开始，不能取消",
        )


def check_outcome(status: str) -> None:
    if status != "booked":
        raise LegalError(
            "legal.not_booked",
            f"The booking is {STATUS_WORDS[status].en}: no outcome can be recorded",
            zh=f"该预约{STATUS_WORDS[status].zh}，不能记录咨询结果",
        )


def check_rating(status: str, rated: bool) -> None:
    if status != "done":
        raise LegalError(
            "legal.not_consulted",
            "A consultation is rated once its outcome is recorded",
            zh="律师记录咨询结果后才能评价",
        )
    if rated:
        raise LegalError(
            "legal.already_rated", "This consultation is rated already", zh="您已评价过本次咨询"
        )


def cancel_reason(reason: str) -> dict[str, str]:
    """The reason as typed (its language is the writer's), each text framing it in its own
    words, so an English reader is told in English that a reason was given."""
    typed = reason.strip()
    if not typed:
        return {"why": "未说明取消原因。", "why_en": "No reason was given."}
    return {"why": f"取消原因：{typed}", "why_en": f"The reason given: “{typed}”"}
