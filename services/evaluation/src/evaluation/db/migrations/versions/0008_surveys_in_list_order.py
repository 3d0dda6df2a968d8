"""surveys in the list's own order (ADR 0073)

Revision ID: 0008
Revises: 0007

``/api/v1/evaluation/surveys`` lists surveys by community, newest first, then by id
(``community_id, created_at DESC, id``). The index ``(community_id, created_at, id)`` gave
only the community in order, so a platform-wide page sorted the first community's every
survey, and read each one's head (``definition - 'sections'``, out of TOAST) on the way:
260 ms a page, both cores busy, when ten communities hold 10,000 surveys each (the
session-16 seed; before it each copy had a community of its own and the group was one
survey). ``(community_id, created_at DESC, id)`` replaces it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_surveys_listed", "surveys", ["community_id", sa.text("created_at DESC"), "id"]
    )
    op.drop_index("ix_surveys_community_created", table_name="surveys")


def downgrade() -> None:
    op.create_index("ix_surveys_community_created", "surveys", ["community_id", "created_at", "id"])
    op.drop_index("ix_surveys_listed", table_name="surveys")
