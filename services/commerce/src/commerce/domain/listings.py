"""Housing listings (房屋租售, 6.4 b): who may list a room, the moderation state machine,
prices in fen and their words. Pure.

A room is listed by its owner (业主: identity grants ``resident`` on the household, a
tenant ``tenant`` and family ``family``), or by the property on the owner's behalf; in
both cases identity's register must name an owner of that household (a tenant's flat is
never listed). The owner's listing waits for the staff's moderation; one the property
entered on the owner's behalf is published at once (the staff are the moderators).
"""

from __future__ import annotations

from commerce.domain.shops import yuan as _yuan
from sc_contracts.events import ListingChange, ListingKind, ListingStatus

# the household role identity gives an owner (户主/业主)
OWNER_ROLES = frozenset({"resident"})
# who lists on the owner's behalf and who moderates (物业, 社区)
ON_BEHALF_ROLES = frozenset({"property_staff", "property_manager", "community_admin"})
MODERATOR_ROLES = ON_BEHALF_ROLES | {"platform_admin"}

KIND_LABELS: dict[str, tuple[str, str]] = {
    ListingKind.RENT: ("出租", "For rent"),
    ListingKind.SALE: ("出售", "For sale"),
}

STATUS_LABELS: dict[str, tuple[str, str]] = {
    ListingStatus.PENDING: ("待审核", "Awaiting review"),
    ListingStatus.PUBLISHED: ("已发布", "Published"),
    ListingStatus.REJECTED: ("未通过", "Not approved"),
    ListingStatus.WITHDRAWN: ("已撤回", "Withdrawn"),
}

# change -> the statuses it may start from
_FROM: dict[ListingChange, frozenset[str]] = {
    ListingChange.PUBLISHED: frozenset({ListingStatus.PENDING}),
    ListingChange.REJECTED: frozenset({ListingStatus.PENDING}),
    ListingChange.WITHDRAWN: frozenset({ListingStatus.PENDING, ListingStatus.PUBLISHED}),
}
_TO: dict[ListingChange, ListingStatus] = {
    ListingChange.PUBLISHED: ListingStatus.PUBLISHED,
    ListingChange.REJECTED: ListingStatus.REJECTED,
    ListingChange.WITHDRAWN: ListingStatus.WITHDRAWN,
}

# a listing still open: one per room and kind at a time
OPEN = frozenset({ListingStatus.PENDING, ListingStatus.PUBLISHED})


def first_status(on_behalf: bool) -> ListingStatus:
    """The owner's own listing waits for review; the property's is published."""
    return ListingStatus.PUBLISHED if on_behalf else ListingStatus.PENDING


def step(status: str, change: ListingChange) -> ListingStatus | None:
    """The status after ``change``, or None when it may not happen from ``status``."""
    if status not in _FROM.get(change, frozenset()):
        return None
    return _TO[change]


def price_text(kind: str, fen: int) -> tuple[str, str]:
    """``("月租 3,500 元", "3,500 yuan a month")``; a sale of 10,000 yuan or more in 万元:
    ``("售价 285 万元", "asking 2,850,000 yuan")``."""
    if kind == ListingKind.RENT:
        return f"月租 {_yuan(fen)} 元", f"{_yuan(fen)} yuan a month"
    if fen >= 100 * 10_000:
        wan = fen / (100 * 10_000)
        shown = f"{wan:,.2f}".rstrip("0").rstrip(".")
        return f"售价 {shown} 万元", f"asking {_yuan(fen)} yuan"
    return f"售价 {_yuan(fen)} 元", f"asking {_yuan(fen)} yuan"


def area_text(area_m2: float) -> tuple[str, str]:
    """``("89.5 平方米", "89.5 m²")``."""
    m2 = f"{area_m2:.2f}".rstrip("0").rstrip(".")
    return f"{m2} 平方米", f"{m2} m²"
