"""Every table of parking-payment's database, on one ``metadata`` (Alembic's target)."""

from __future__ import annotations

from parking_payment.db import parking, payments
from parking_payment.db.base import Base

metadata = Base.metadata
__all__ = ["metadata", "parking", "payments"]
