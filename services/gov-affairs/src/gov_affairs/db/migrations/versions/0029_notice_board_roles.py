"""notices: the board of a caller with a staff role, and the planner's estimate of the
resident side (issue 28)

Revision ID: 0029
Revises: 0028

A board is the notices of the caller's communities addressed to one of its places and one
of its roles (``roles ?| [...]``), or to nobody's role in particular (``roles = []``: the
resident side). Without an index on ``roles`` a property manager's board read every notice
of the platform to find the few for property managers (26 ms at 100,000 notices, none
for the role); the GIN index finds them directly (0.06 ms). And the planner took
``jsonb_array_length(roles) = 0`` for a rare condition (0.5 %), when nearly every notice is
for residents, so it sorted a community's every notice for a page of the board (75 ms at
10,000): the statistics on that expression let it read the community's newest first
through ``ix_notices_community_pinned`` / ``_newest`` and stop at the page (0.7 ms).
"""

from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_notices_roles", "notices", ["roles"], postgresql_using="gin")
    op.execute("CREATE STATISTICS st_notices_no_roles ON (jsonb_array_length(roles)) FROM notices")
    op.execute("ANALYZE notices")


def downgrade() -> None:
    op.execute("DROP STATISTICS IF EXISTS st_notices_no_roles")
    op.drop_index("ix_notices_roles", table_name="notices")
