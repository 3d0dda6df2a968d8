"""Offers and opt-in pushes (商铺优惠与订阅推送, 6.4 d): a merchant publishes an offer
(title in zh-CN and en, text, a price in fen or a discount, valid from/to); residents opt
in to a shop's pushes, and out again; an offer reaches the opted-in residents through
notification, at most ``offer_pushes_per_week`` per resident per shop in any 7 days (the
frequency cap), in-app and by push: notification holds the push through each resident's
quiet hours (their preference) and delivers it after. The merchant withdraws an offer:
it is pushed no more and residents no longer see it. Pure."""

from __future__ import annotations

from datetime import datetime, timedelta

from commerce.domain.shops import yuan

CAP_WINDOW = timedelta(days=7)
PUSH_BATCH = 200  # recipients per notification request

OPT_LABELS = {True: ("已订阅优惠推送", "Offers pushed to me"), False: ("未订阅", "Not subscribed")}
WITHDRAWN_LABEL = ("商户已撤回该优惠", "Withdrawn by the shop")


def discount_text(pct_off: int) -> tuple[str, str]:
    """20 -> ("8折", "20% off"); 15 -> ("8.5折", "15% off")."""
    rest = 100 - pct_off
    zhe = f"{rest // 10}" if rest % 10 == 0 else f"{rest / 10:g}"
    return f"{zhe}折", f"{pct_off}% off"


def deal_text(price_fen: int | None, pct_off: int | None) -> tuple[str, str]:
    if price_fen is not None:
        return f"优惠价 {yuan(price_fen)} 元", f"offer price {yuan(price_fen)} yuan"
    assert pct_off is not None
    return discount_text(pct_off)


def _day(at: datetime) -> str:
    return at.strftime("%Y-%m-%d")


def push_words(
    shop_name: str,
    title_zh: str,
    title_en: str,
    deal: tuple[str, str],
    valid_from: datetime,
    valid_to: datetime,
) -> dict[str, str]:
    """The notice (generic.message): title and body in zh-CN and en; no id in the words."""
    return {
        "title": f"{shop_name}：{title_zh}",
        "body": f"{title_zh}，{deal[0]}，{_day(valid_from)} 至 {_day(valid_to)} 有效。"
        "如不想再收到该商铺的优惠，可在商铺页取消订阅。",
        "title_en": f"{shop_name}: {title_en}",
        "body_en": f"{title_en}, {deal[1]}, valid {_day(valid_from)} to {_day(valid_to)}. "
        "Unsubscribe on the shop's page to stop its offers.",
    }


OFFER_PROBLEMS: dict[str, tuple[int, str, str]] = {
    "commerce.offer_dates": (
        422,
        "优惠的结束时间须晚于开始时间，且不能已经结束",
        "An offer must end after it starts, and not in the past",
    ),
    "commerce.offer_price_or_discount": (
        422,
        "请填写优惠价或折扣（二选一）",
        "Give either an offer price or a discount, one of the two",
    ),
    "commerce.offer_not_found": (404, "没有找到这条优惠", "No such offer"),
    "commerce.offer_withdrawn": (409, "这条优惠已经撤回", "This offer was withdrawn already"),
    "commerce.subscribe_household_required": (
        403,
        "请以本社区住户的身份订阅商铺优惠",
        "Subscribe as a resident of the shop's community",
    ),
}
