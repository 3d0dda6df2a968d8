"""notices: the staff's list newest first through an index (issue 28, ADR 0066's gov-affairs
addendum): ``(community_id, coalesce(published_at, created_at) DESC, id)``, and the same for
the pinned ones alone (a partial index), read apart from the rest

Revision ID: 0028
Revises: 0027
"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

NEWEST = "COALESCE(published_at, created_at) DESC"


def upgrade() -> None:
    op.create_index(
        "ix_notices_community_newest", "notices", ["community_id", sa.text(NEWEST), "id"]
    )
    op.create_index(
        "ix_notices_community_pinned",
        "notices",
        ["community_id", sa.text(NEWEST), "id"],
        postgresql_where=sa.text("pinned"),
    )


def downgrade() -> None:
    op.drop_index("ix_notices_community_pinned", table_name="notices")
    op.drop_index("ix_notices_community_newest", table_name="notices")
