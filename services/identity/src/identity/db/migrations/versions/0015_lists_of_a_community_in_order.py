"""who lives in a community now, and rooms and units in their lists' order (ADR 0073)

Revision ID: 0015
Revises: 0014

A community's page of persons probes each person's current residency in the caller's
communities, and its bounded count walks them: through the person's partial index each
probe read the residency's row to check its community, 10,000 heap reads to count 1,001
persons (25 ms at 100,000 persons in ten communities of 10,000). With
``(community_id, person_id)`` over current residencies the probe and the count are read
from the index alone: the count 25 -> 1.6 ms, the page 2.2 -> 0.5 ms (property_manager,
the session-16 seed).

A community's rooms are listed by building, unit, floor and code: through the building
index the page read 70,000 rooms of all communities and filtered 65,000 away (19 ms);
``(community_id, building_id, unit_id, floor, code)`` reads 20 (0.08 ms) and replaces the
index on ``community_id`` alone, its prefix (one index less to keep on each write). Units
platform-wide are listed by ``code, id``, which no index had: a parallel scan and sort
of 100,000 (27 ms); ``(code, id)``: 0.05 ms.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_residencies_community_current",
        "residencies",
        ["community_id", "person_id"],
        postgresql_where=sa.text("moved_out_on IS NULL"),
    )
    op.create_index(
        "ix_rooms_community_listed",
        "rooms",
        ["community_id", "building_id", "unit_id", "floor", "code"],
    )
    op.drop_index("ix_rooms_community_id", table_name="rooms")
    op.create_index("ix_units_listed", "units", ["code", "id"])


def downgrade() -> None:
    op.drop_index("ix_units_listed", table_name="units")
    op.create_index("ix_rooms_community_id", "rooms", ["community_id"])
    op.drop_index("ix_rooms_community_listed", table_name="rooms")
    op.drop_index("ix_residencies_community_current", table_name="residencies")
