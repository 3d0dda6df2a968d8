"""Shops and products (社区商铺与商品, 6.4 d): a verified merchant's shop with its products
priced in fen, and who reads a shop's flag (住人商铺, 九小场所 where people may be
sleeping: :mod:`commerce.domain.living`). Pure."""

from __future__ import annotations

# why a shop is flagged, when no words were kept with the flag (flags older than the
# reasons in words); the reasons themselves are :mod:`commerce.domain.living`'s
FLAG_LABELS: dict[str, tuple[str, str]] = {
    "residential": (
        "登记的房屋有住户居住，可能存在住人现象",
        "People are registered as living at the shop's address",
    ),
    "night_power": (
        "夜间用电异常，可能有人在店内居住",
        "Power used at night: people may live there",
    ),
    "night_passages": (
        "夜间有人进入，可能有人在店内居住",
        "Entries at night: people may live there",
    ),
}

AVAILABILITY = {
    True: ("在售", "Available"),
    False: ("暂不供应", "Not available"),
}

# who reads every shop of the community and its flags
FLAG_READERS = frozenset(
    {"property_staff", "property_manager", "community_admin", "grid_worker", "platform_admin"}
)


def yuan(fen: int) -> str:
    """1250 -> "12.50"; 1200 -> "12"; thousands separated."""
    whole, cents = divmod(fen, 100)
    return f"{whole:,}" if cents == 0 else f"{whole:,}.{cents:02d}"


def price_text(fen: int, unit: str | None) -> tuple[str, str]:
    """``("12.50 元/份", "12.50 yuan per 份")``; the unit is the merchant's own word."""
    if unit:
        return f"{yuan(fen)} 元/{unit}", f"{yuan(fen)} yuan per {unit}"
    return f"{yuan(fen)} 元", f"{yuan(fen)} yuan"
