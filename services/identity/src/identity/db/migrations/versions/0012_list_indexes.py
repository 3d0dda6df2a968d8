"""indexes the platform-wide lists walk in order at 100,000 rows (ADR 0061)

Revision ID: 0012
Revises: 0011

Grids by code, doors by name, grants and OIDC clients oldest first and households by name,
as a platform admin lists them, were a scan and a sort of every row: 49-86 ms a page at
100,000 rows (bench/list_walk.py); through these indexes 0.08-0.17 ms.
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_grids_code", "grids", ["code", "id"]),
    ("ix_doors_name", "doors", ["name", "id"]),
    ("ix_grants_created", "grants", ["created_at", "id"]),
    ("ix_oidc_clients_created", "oidc_clients", ["created_at", "client_id"]),
    ("ix_households_name", "households", ["name", "id"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
