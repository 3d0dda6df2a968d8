"""whom an alarm's plan told (they read it, hear of its steps, may acknowledge it when the
plan says), and the special person's plan letting the family acknowledge

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

EMPTY = sa.text("'[]'::jsonb")


def upgrade() -> None:
    for column in ("notified_user_ids", "notified_household_ids"):
        op.add_column(
            "alarms",
            sa.Column(
                column,
                postgresql.JSONB(astext_type=sa.Text()),
                server_default=EMPTY,
                nullable=False,
            ),
        )
    op.add_column(
        "alarms",
        sa.Column(
            "notified_may_ack", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
    )
    op.add_column(
        "special_persons",
        sa.Column(
            "family_may_acknowledge", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
    )


def downgrade() -> None:
    op.drop_column("special_persons", "family_may_acknowledge")
    for column in ("notified_may_ack", "notified_household_ids", "notified_user_ids"):
        op.drop_column("alarms", column)
