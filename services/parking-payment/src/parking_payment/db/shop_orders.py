"""Shop orders commerce told us about (``commerce.orders.v1``): what a ``shop_order``
payment may pay, for whom and how much. Only ids and the amount; no names, no items."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from parking_payment.db.base import Base, Place, utcnow


class ShopOrderRow(Base):
    __tablename__ = "shop_orders"
    order_id: Mapped[str] = mapped_column(String(64), primary_key=True)  # commerce's id
    shop_id: Mapped[str] = mapped_column(String(64))
    community_id: Mapped[str] = mapped_column(Place)
    household_id: Mapped[str] = mapped_column(Place)
    amount: Mapped[int] = mapped_column(BigInteger)  # fen, the order's total
    status: Mapped[str] = mapped_column(String(16))  # commerce's, as last told
    payable: Mapped[bool]  # commerce says it may be paid now
    changed_at: Mapped[datetime]  # of the latest event applied (older ones are ignored)
    payment_order_id: Mapped[uuid.UUID | None]  # ours, once paid
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
