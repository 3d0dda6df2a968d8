"""Every table of parking-payment's database, on one ``metadata`` (Alembic's target)."""

from __future__ import annotations

from parking_payment.db import charging, fees, parking, payments
from parking_payment.db.base import Base

metadata = Base.metadata
__all__ = ["charging", "fees", "metadata", "parking", "payments"]
