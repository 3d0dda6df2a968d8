"""Every table of identity's database, on one ``metadata`` (Alembic's target)."""

from identity.db.access import Door, Passage, VisitorPass
from identity.db.auth import Account, Grant, LoginAddress, RefreshToken, SigningKeyRow
from identity.db.base import Base
from identity.db.register import (
    Building,
    Community,
    Grid,
    Household,
    Person,
    Residency,
    Room,
    Unit,
)

metadata = Base.metadata

__all__ = [
    "Account",
    "Building",
    "Community",
    "Door",
    "Grant",
    "Grid",
    "Household",
    "LoginAddress",
    "Passage",
    "Person",
    "RefreshToken",
    "Residency",
    "Room",
    "SigningKeyRow",
    "Unit",
    "VisitorPass",
    "metadata",
]
