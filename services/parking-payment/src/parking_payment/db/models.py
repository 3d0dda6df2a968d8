"""Every table of parking-payment's database, on one ``metadata`` (Alembic's target),
with the place directory projected from identity (``sc_core.places``)."""

from __future__ import annotations

from parking_payment.db import charging, fees, parking, payments, shop_orders
from parking_payment.db.base import Base
from sc_core.places import Places, place_tables

metadata = Base.metadata
PLACES = place_tables(metadata, names=True)  # alerts name where a charger stands
DIRECTORY = Places(PLACES)  # household -> community: what a resident's grant reaches
__all__ = [
    "DIRECTORY",
    "PLACES",
    "charging",
    "fees",
    "metadata",
    "parking",
    "payments",
    "shop_orders",
]
