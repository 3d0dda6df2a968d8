"""published index figures in the list's own order (ADR 0066, session 14 addendum)

Revision ID: 0007
Revises: 0006

``/api/v1/evaluation/indices`` lists a community's figures newest month first, then by id
(``period DESC, id``). The index ``(community_id, period, id)`` read backwards gives
``period DESC, id DESC``, so every figure of the newest month was read and sorted for a
page of 20: 49 ms warm, 66 ms cold at 5,001 figures in a month of the seeded state. The
index ``(community_id, period DESC, id)`` replaces it (the monthly report's period range
reads it either way).
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_index_figures_listed",
        "index_figures",
        ["community_id", sa.text("period DESC"), "id"],
    )
    op.drop_index("ix_index_figures_community_period", table_name="index_figures")


def downgrade() -> None:
    op.create_index(
        "ix_index_figures_community_period", "index_figures", ["community_id", "period", "id"]
    )
    op.drop_index("ix_index_figures_listed", table_name="index_figures")
