"""a survey's audience: the grants of the place directory (who holds which role over which
household, from identity's events) and the reminder rounds sent

Grants given before this migration reach the projection only as far as
identity.events.v1 still holds them (14 days); older ones arrive with their next change.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from sc_core.places import create_grant_projection_v1

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_grant_projection_v1()
    op.create_table(
        "survey_reminders",
        sa.Column("survey_id", sa.Uuid(), nullable=False),
        sa.Column("round_days", sa.Integer(), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("survey_id", "round_days", name="pk_survey_reminders"),
    )


def downgrade() -> None:
    op.drop_table("survey_reminders")
    op.drop_table("grant_projection")
