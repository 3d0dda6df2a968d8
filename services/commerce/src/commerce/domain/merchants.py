"""Merchants (商户, 6.3 b): who registers and who verifies, the categories, opening hours
and the contact phone's form, and the verification state machine. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sc_contracts.events import MerchantStatus

MERCHANT_ROLES = frozenset({"merchant"})
RESIDENT_ROLES = frozenset({"resident", "tenant", "family"})
# who verifies merchants and manages service points and drop-offs (本社区工作人员)
STAFF_ROLES = frozenset(
    {"property_staff", "property_manager", "community_admin", "grid_worker", "platform_admin"}
)

# category code -> (zh-CN, en)
CATEGORIES: dict[str, tuple[str, str]] = {
    "catering": ("餐饮", "Catering"),
    "grocery": ("便利店与生鲜", "Groceries"),
    "repair": ("家电与房屋维修", "Repairs"),
    "housekeeping": ("家政服务", "Housekeeping"),
    "laundry": ("洗衣", "Laundry"),
    "hairdressing": ("美容美发", "Hairdressing"),
    "pharmacy": ("药店", "Pharmacy"),
    "education": ("教育培训", "Education"),
    "real_estate": ("房屋中介", "Estate agency"),
    "recycling": ("再生资源回收", "Recycling"),
    "other": ("其他", "Other"),
}

STATUS_LABELS: dict[str, tuple[str, str]] = {
    MerchantStatus.PENDING: ("待审核", "Awaiting verification"),
    MerchantStatus.VERIFIED: ("已认证", "Verified"),
    MerchantStatus.REJECTED: ("未通过", "Not verified"),
}

WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# a Chinese mobile (+86 optional) or a landline with its area code (0xx-xxxxxxx)
PHONE = re.compile(r"^(?:(?:\+86|0086)\s?)?1[3-9]\d{9}$|^0\d{2,3}-\d{7,8}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

# fields whose change sends a verified merchant back to verification
VERIFIED_FIELDS = frozenset({"name", "credit_code", "licence_no", "category", "address"})


@dataclass(frozen=True)
class Hours:
    """Open ``opens``-``closes`` (HH:MM) on ``days`` (1 Monday .. 7 Sunday); ``closes``
    before ``opens`` runs past midnight."""

    days: tuple[int, ...]
    opens: str
    closes: str


def check_hours(hours: Iterable[Hours]) -> str | None:
    """Why these opening hours are wrong, or None."""
    for h in hours:
        if not h.days or any(d < 1 or d > 7 for d in h.days):
            return "days are 1 (Monday) to 7 (Sunday)"
        if not _TIME.match(h.opens) or not _TIME.match(h.closes):
            return "times are HH:MM"
        if h.opens == h.closes:
            return "opening and closing times differ"
    return None


def hours_text(hours: Iterable[Hours]) -> tuple[str, str]:
    """``("周一至周五 08:00-20:00；周六 09:00-18:00", "Mon-Fri 08:00-20:00; Sat ...")``."""
    zh: list[str] = []
    en: list[str] = []
    for h in hours:
        days = sorted(set(h.days))
        if len(days) > 1 and days == list(range(days[0], days[-1] + 1)):
            dz = f"{WEEKDAYS_ZH[days[0] - 1]}至{WEEKDAYS_ZH[days[-1] - 1]}"
            de = f"{WEEKDAYS_EN[days[0] - 1]}-{WEEKDAYS_EN[days[-1] - 1]}"
        else:
            dz = "、".join(WEEKDAYS_ZH[d - 1] for d in days)
            de = ", ".join(WEEKDAYS_EN[d - 1] for d in days)
        overnight = h.closes < h.opens
        zh.append(f"{dz} {h.opens}-{'次日' if overnight else ''}{h.closes}")
        en.append(f"{de} {h.opens}-{h.closes}{' (next day)' if overnight else ''}")
    return "；".join(zh), "; ".join(en)


def after_update(status: str, changed: Iterable[str]) -> str:
    """The status after the owner changed ``changed`` fields: a verified merchant whose
    registered facts changed is verified again; a rejected one goes back to the queue."""
    fields = set(changed)
    if status == MerchantStatus.VERIFIED and fields & VERIFIED_FIELDS:
        return MerchantStatus.PENDING
    if status == MerchantStatus.REJECTED and fields:
        return MerchantStatus.PENDING
    return status


def may_review(status: str) -> bool:
    """Only a merchant waiting for verification is verified or rejected."""
    return status == MerchantStatus.PENDING
