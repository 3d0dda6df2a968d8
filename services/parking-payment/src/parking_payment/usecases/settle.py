"""The provider half of keeping orders true: ask, then apply through the order's rules.

``settle`` is what recovery runs for every open order on start and periodically: a
payment whose callback was lost (or arrived while we were down, between the provider's
success and our record) is found by query and applied once; asking again changes
nothing. ``expire`` closes an order not paid in time, at the provider first; if the
provider says it is paid after all, the payment is applied instead, never dropped.
The caller holds the order's row lock and commits what changed with its events.
"""

from __future__ import annotations

from datetime import datetime

from parking_payment.adapters.providers import AlreadyPaid, PaymentProvider
from parking_payment.domain.payments import (
    OPEN_STATUSES,
    Applied,
    Outcome,
    PaymentOrder,
    TradeState,
)


async def settle(order: PaymentOrder, provider: PaymentProvider) -> Applied:
    result = await provider.query(order.out_trade_no)
    if result.state is TradeState.unknown_order:
        return Applied(Outcome.unchanged, "unknown_at_provider")
    return order.apply(result)


async def expire(order: PaymentOrder, provider: PaymentProvider, now: datetime) -> Applied:
    if not order.is_expired(now):
        return Applied(Outcome.unchanged, "not_expired")
    applied = await settle(order, provider)
    if order.status not in OPEN_STATUSES:
        return applied
    try:
        await provider.close(order.out_trade_no)
    except AlreadyPaid:  # paid between our query and the close
        return await settle(order, provider)
    order.close(now)
    return Applied(Outcome.applied, "closed")
