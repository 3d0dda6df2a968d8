"""alteration reminders and course edits (issue 23 items 6, 7): when the sweep next reminds
or escalates an alteration's approval step, and the day the works' planned end is told; who
last changed a training course, and when

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("training_courses", sa.Column("updated_by", sa.String(64), nullable=True))
    op.add_column(
        "training_courses", sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("alterations", sa.Column("sweep_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("alterations", sa.Column("remind_works_on", sa.Date(), nullable=True))
    op.create_index(
        "ix_alterations_sweep_at",
        "alterations",
        ["sweep_at"],
        postgresql_where=sa.text("sweep_at IS NOT NULL"),
    )
    op.create_index(
        "ix_alterations_remind_works_on",
        "alterations",
        ["remind_works_on"],
        postgresql_where=sa.text("remind_works_on IS NOT NULL"),
    )
    # requests already open: the sweep looks at each running approval once (it sets the
    # next time itself), and works under way are told 3 days before their planned end
    op.execute("UPDATE alterations SET sweep_at = now() WHERE status = 'submitted'")
    op.execute(
        "UPDATE alterations SET remind_works_on = (data->>'planned_end')::date - 3"
        " WHERE status = 'in_works'"
    )


def downgrade() -> None:
    op.drop_index("ix_alterations_remind_works_on", table_name="alterations")
    op.drop_index("ix_alterations_sweep_at", table_name="alterations")
    op.drop_column("alterations", "remind_works_on")
    op.drop_column("alterations", "sweep_at")
    op.drop_column("training_courses", "updated_at")
    op.drop_column("training_courses", "updated_by")
