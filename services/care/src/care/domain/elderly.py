"""Elderly services (6.2.2 a–c): mutual aid (邻里互助) and value-added services (增值服务)
booked and rated (pure). Activity venues' live status: :mod:`care.domain.venues`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum


class ServiceError(ValueError):
    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


# --- mutual aid: an elder asks, a neighbour or volunteer takes it, the elder confirms ---


class HelpStatus(StrEnum):
    OPEN = "open"
    TAKEN = "taken"
    DONE = "done"  # confirmed by the elder
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # nobody took it in time


class HelpKind(StrEnum):
    """The small catalogue of help a neighbour can give (a note says the rest)."""

    SHOPPING = "shopping"
    ACCOMPANY_HOSPITAL = "accompany_hospital"
    CHAT = "chat"
    REPAIR = "repair"
    ERRAND = "errand"
    OTHER = "other"


HELP_KIND_WORDS = {
    HelpKind.SHOPPING: ("帮忙买菜购物", "shopping"),
    HelpKind.ACCOMPANY_HOSPITAL: ("陪同就医", "going to the doctor together"),
    HelpKind.CHAT: ("陪伴聊天", "company and a chat"),
    HelpKind.REPAIR: ("小修小补", "a small repair"),
    HelpKind.ERRAND: ("代办跑腿", "an errand"),
    HelpKind.OTHER: ("其他帮助", "other help"),
}
HELP_STATUS_WORDS = {
    HelpStatus.OPEN: ("待接单", "waiting for a helper"),
    HelpStatus.TAKEN: ("已接单", "taken"),
    HelpStatus.DONE: ("已完成", "done"),
    HelpStatus.CANCELLED: ("已取消", "cancelled"),
    HelpStatus.EXPIRED: ("已过期", "expired"),
}
# an open request whose time is this far past is expired (nobody came in time)
EXPIRE_AFTER = timedelta(hours=2)
ASK_AHEAD = timedelta(days=30)


@dataclass(frozen=True)
class HelpRequest:
    id: str
    requester: str  # the elder's account (or family asking for them)
    person_id: str
    what: str  # 帮忙买菜 / 陪同就医 / 换灯泡
    when: datetime
    status: HelpStatus = HelpStatus.OPEN
    helper: str | None = None
    rating: int | None = None
    thanks: str | None = None
    elder: str | None = None  # the elder's own account, who may act as the requester does

    def asked_by(self, actor: str) -> bool:
        return actor in (self.requester, self.elder)


def ask(
    request_id: str, requester: str, person_id: str, what: str, when: datetime,
    now: datetime | None = None,
) -> HelpRequest:  # fmt: skip
    if not what.strip():
        raise ServiceError("care.help_empty", "请说明需要什么帮助。", "Say what help is needed.")
    if now is not None and not now - EXPIRE_AFTER < when <= now + ASK_AHEAD:
        raise ServiceError(
            "care.help_when", "求助时间须在现在到30天之内。",
            "The time asked for is between now and 30 days ahead.",
        )  # fmt: skip
    return HelpRequest(request_id, requester, person_id, what.strip(), when)


def take(req: HelpRequest, helper: str) -> HelpRequest:
    if req.status is not HelpStatus.OPEN:
        raise ServiceError(
            "care.help_not_open", "这条求助已有人接单或已结束。", "Someone has already taken this."
        )
    if helper == req.requester or helper == req.elder:
        raise ServiceError(
            "care.help_own", "不能接自己发布的求助。", "You cannot take your own request."
        )
    return replace(req, status=HelpStatus.TAKEN, helper=helper)


def release(req: HelpRequest, helper: str) -> HelpRequest:
    """The helper cannot come after all: the request is open again."""
    if req.status is not HelpStatus.TAKEN or req.helper != helper:
        raise ServiceError(
            "care.help_not_yours", "这条求助不是由您接单的。", "You have not taken this request."
        )
    return replace(req, status=HelpStatus.OPEN, helper=None)


def confirm(req: HelpRequest, actor: str, rating: int | None, thanks: str | None) -> HelpRequest:
    if not req.asked_by(actor):
        raise ServiceError(
            "care.help_not_requester", "只有求助人可以确认完成。",
            "Only the person who asked can confirm.",
        )  # fmt: skip
    if req.status is not HelpStatus.TAKEN:
        raise ServiceError(
            "care.help_not_taken", "还没有人接单，无法确认完成。", "Nobody has taken it yet."
        )
    _check_rating(rating)
    return replace(req, status=HelpStatus.DONE, rating=rating, thanks=thanks)


def cancel_help(req: HelpRequest, actor: str) -> HelpRequest:
    if not req.asked_by(actor) or req.status not in (HelpStatus.OPEN, HelpStatus.TAKEN):
        raise ServiceError(
            "care.help_cannot_cancel", "这条求助不能由您取消。", "You cannot cancel this request."
        )
    return replace(req, status=HelpStatus.CANCELLED)


def expire(req: HelpRequest, now: datetime) -> HelpRequest | None:
    """An open request whose time is :data:`EXPIRE_AFTER` past: expired (the asker is
    told nobody came); anything else stays as it is."""
    if req.status is not HelpStatus.OPEN or now < req.when + EXPIRE_AFTER:
        return None
    return replace(req, status=HelpStatus.EXPIRED)


def _check_rating(rating: int | None) -> None:
    if rating is not None and not 1 <= rating <= 5:
        raise ServiceError("care.rating_range", "评分须为1到5分。", "A rating is 1 to 5.")


# --- value-added services: post-operative care, legal, psychological ---


class ServiceKind(StrEnum):
    POST_OP_CARE = "post_op_care"
    LEGAL = "legal"
    PSYCHOLOGICAL = "psychological"
    HOUSEKEEPING = "housekeeping"
    MEALS = "meals"


SERVICE_NAMES = {
    ServiceKind.POST_OP_CARE: ("术后护理", "post-operative care"),
    ServiceKind.LEGAL: ("法律咨询", "legal advice"),
    ServiceKind.PSYCHOLOGICAL: ("心理疏导", "psychological support"),
    ServiceKind.HOUSEKEEPING: ("家政服务", "housekeeping"),
    ServiceKind.MEALS: ("助餐送餐", "meals"),
}


class OrderStatus(StrEnum):
    BOOKED = "booked"
    CONFIRMED = "confirmed"  # the provider accepted
    DONE = "done"
    RATED = "rated"
    CANCELLED = "cancelled"


ORDER_STATUS_WORDS = {
    OrderStatus.BOOKED: ("已预约", "booked"),
    OrderStatus.CONFIRMED: ("已确认", "confirmed"),
    OrderStatus.DONE: ("已完成", "done"),
    OrderStatus.RATED: ("已评价", "rated"),
    OrderStatus.CANCELLED: ("已取消", "cancelled"),
}


@dataclass(frozen=True)
class ServiceOrder:
    id: str
    kind: ServiceKind
    provider_id: str
    person_id: str
    booked_by: str
    at: datetime
    status: OrderStatus = OrderStatus.BOOKED
    rating: int | None = None
    comment: str | None = None


_ORDER_NEXT = {
    OrderStatus.BOOKED: {OrderStatus.CONFIRMED, OrderStatus.CANCELLED},
    OrderStatus.CONFIRMED: {OrderStatus.DONE, OrderStatus.CANCELLED},
}


def advance(order: ServiceOrder, to: OrderStatus) -> ServiceOrder:
    if to not in _ORDER_NEXT.get(order.status, set()):
        raise ServiceError(
            "care.order_transition", "服务订单当前状态不能进行此操作。",
            "The order cannot move that way from where it is.",
        )  # fmt: skip
    return replace(order, status=to)


def rate(order: ServiceOrder, actor: str, rating: int, comment: str | None) -> ServiceOrder:
    if actor != order.booked_by:
        raise ServiceError(
            "care.order_not_yours", "只有预约人可以评价。", "Only who booked it can rate it."
        )
    if order.status is not OrderStatus.DONE:
        raise ServiceError(
            "care.order_not_done", "服务完成后才能评价，且只能评价一次。",
            "A service is rated once, after it is done.",
        )  # fmt: skip
    _check_rating(rating)
    return replace(order, status=OrderStatus.RATED, rating=rating, comment=comment)
