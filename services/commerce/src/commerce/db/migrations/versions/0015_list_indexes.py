"""indexes the lists walk in order at 100,000 rows (ADR 0061)

Revision ID: 0015
Revises: 0014

The platform-wide lists of merchants, listings and bookings (newest first, the id now the
same way, so the index is read backwards) and of service points and shops (by name), and a
community's service points by name, were a scan and a sort of every row: 48-110 ms a page
at 100,000 rows (bench/list_walk.py); through these indexes 0.06-0.2 ms.
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_merchants_created", "merchants", ["created_at", "id"]),
    ("ix_listings_created", "listings", ["created_at", "id"]),
    ("ix_bookings_created", "bookings", ["created_at", "id"]),
    ("ix_service_points_community_name", "service_points", ["community_id", "name", "id"]),
    ("ix_service_points_name", "service_points", ["name", "id"]),
    ("ix_shops_name", "shops", ["name", "id"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
