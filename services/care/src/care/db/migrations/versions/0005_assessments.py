"""care: questionnaires (量表) sent to people, answered and scored

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "care_assessments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("questionnaire", sa.String(length=40), nullable=False),
        sa.Column("version", sa.String(length=16), nullable=False),
        sa.Column("sent_by", sa.String(length=128), nullable=False),
        sa.Column("sender_name", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answers", sa.Text(), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(length=128), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_assessments")),
    )
    op.create_index(
        "ix_care_assessments_person_scale",
        "care_assessments",
        ["person_id", "questionnaire", "sent_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_care_assessments_sent_by"), "care_assessments", ["sent_by"], unique=False
    )


def downgrade() -> None:
    op.drop_table("care_assessments")
