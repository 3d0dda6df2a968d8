"""buildings by code, a community's households and doors by name, through indexes (ADR 0066)

Revision ID: 0013
Revises: 0012

``GET /api/v1/buildings`` as a platform-wide caller orders every building by code, then
id: a scan and a sort of the table, 101-138 ms a page at 100,000 buildings; through
``(code, id)`` 0.04 ms. A community's households and doors by name walked the name index
of everyone's and skipped the other communities' rows: 37 and 41 ms for a community of
10,000 (bench/list_walk.py's seeded state); through ``(community_id, name, id)`` 0.06-0.09
ms.
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_buildings_code", "buildings", ["code", "id"]),
    ("ix_households_community_name", "households", ["community_id", "name", "id"]),
    ("ix_doors_community_name", "doors", ["community_id", "name", "id"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
