"""Shops and products (社区商铺与商品, 6.4 d): a verified merchant's shop with its products
priced in fen, and the flag on a shop registered at a room where people live (住人商铺,
九小场所 where people may be sleeping) for the community admin to check. Pure."""

from __future__ import annotations

# the shop's registered room has a household living in it
RESIDENTIAL = "residential"

FLAG_LABELS: dict[str, tuple[str, str]] = {
    RESIDENTIAL: (
        "登记的房屋有住户居住，可能存在住人现象",
        "People are registered as living at the shop's address",
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
# who is told about a flagged shop
FLAG_RECIPIENT_ROLE = "community_admin"


def yuan(fen: int) -> str:
    """1250 -> "12.50"; 1200 -> "12"; thousands separated."""
    whole, cents = divmod(fen, 100)
    return f"{whole:,}" if cents == 0 else f"{whole:,}.{cents:02d}"


def price_text(fen: int, unit: str | None) -> tuple[str, str]:
    """``("12.50 元/份", "12.50 yuan per 份")``; the unit is the merchant's own word."""
    if unit:
        return f"{yuan(fen)} 元/{unit}", f"{yuan(fen)} yuan per {unit}"
    return f"{yuan(fen)} 元", f"{yuan(fen)} yuan"


def flag_for(households_in_room: set[str]) -> str | None:
    """Why a shop registered at a room is flagged, or None."""
    return RESIDENTIAL if households_in_room else None


def flag_notice(shop_name: str, address: str) -> tuple[str, str]:
    """The community admin's notice (zh-CN): title and body."""
    return (
        "商铺住人风险提示",
        f"商铺“{shop_name}”（{address}）登记的房屋有住户居住，可能存在住人现象，请安排核查。",
    )


def flag_notice_en(shop_name: str, address: str) -> tuple[str, str]:
    """The same notice in English (the shop's name and address as registered)."""
    return (
        "A shop may have people living in it",
        f"The flat the shop {shop_name} ({address}) is registered at has a household living "
        "in it; please arrange a check.",
    )
