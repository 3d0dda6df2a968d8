"""polls: single or multiple choice, who voted kept apart from the ballots' hash chain

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

ID = sa.String(length=64)
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "polls",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", ID, nullable=False),
        sa.Column("question", sa.String(length=300), nullable=False),
        sa.Column("question_en", sa.String(length=300), nullable=False),
        sa.Column("options", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("multiple", sa.Boolean(), nullable=False),
        sa.Column("max_choices", sa.Integer(), nullable=True),
        sa.Column("opens_at", TS, nullable=False),
        sa.Column("closes_at", TS, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("head", sa.String(length=64), nullable=True),
        sa.Column("created_by", ID, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_polls")),
    )
    op.create_index("ix_polls_community_opens", "polls", ["community_id", "opens_at"], unique=False)
    op.create_table(
        "poll_voters",
        sa.Column("poll_id", sa.Uuid(), nullable=False),
        sa.Column("voter", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["polls.id"], name=op.f("fk_poll_voters_poll_id_polls"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("poll_id", "voter", name=op.f("pk_poll_voters")),
    )
    op.create_table(
        "poll_ballots",
        sa.Column("poll_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("receipt", sa.String(length=32), nullable=False),
        sa.Column("choices", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("prev", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"],
            ["polls.id"],
            name=op.f("fk_poll_ballots_poll_id_polls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("poll_id", "seq", name=op.f("pk_poll_ballots")),
    )


def downgrade() -> None:
    op.drop_table("poll_ballots")
    op.drop_table("poll_voters")
    op.drop_index("ix_polls_community_opens", table_name="polls")
    op.drop_table("polls")
