"""indexes the lists walk in order at 100,000 rows (ADR 0061)

Revision ID: 0007
Revises: 0006

Cases, patrol routes and patrol rounds were listed newest first with the id the other way
(``created_at DESC, id``), and no index held either order: every page was a scan and a
sort of every row the caller sees (work orders for the platform: 124 ms a page at 103,600
rows, bench/list_walk.py's seeded state). The lists now order both keys the same way and
these indexes are read backwards: 0.08 ms; a community's list through its own index.
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_work_orders_created", "work_orders", ["created_at", "id"]),
    ("ix_work_orders_community_created", "work_orders", ["community_id", "created_at", "id"]),
    ("ix_patrol_routes_created", "patrol_routes", ["created_at", "id"]),
    ("ix_patrol_routes_community_created", "patrol_routes", ["community_id", "created_at", "id"]),
    ("ix_patrol_rounds_window_start", "patrol_rounds", ["window_start", "id"]),
    ("ix_patrol_rounds_community_start", "patrol_rounds", ["community_id", "window_start", "id"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
