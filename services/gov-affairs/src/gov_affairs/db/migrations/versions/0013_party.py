"""party affairs: party organisations, members (encrypted), 三会一课 meetings, opinions

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

ID = sa.String(length=64)
TS = sa.DateTime(timezone=True)
JSON = postgresql.JSONB(astext_type=sa.Text())


def _org_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["org_id"],
        ["party_orgs.id"],
        name=op.f(f"fk_{table}_org_id_party_orgs"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "party_orgs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", ID, nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("officers", JSON, nullable=False),
        sa.Column("created_by", ID, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["party_orgs.id"], name=op.f("fk_party_orgs_parent_id_party_orgs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_orgs")),
    )
    op.create_index("ix_party_orgs_community", "party_orgs", ["community_id"], unique=False)
    op.create_table(
        "party_members",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("id_number", sa.Text(), nullable=False),
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("joined", sa.Text(), nullable=False),
        sa.Column("added_by", ID, nullable=False),
        sa.Column("added_at", TS, nullable=False),
        _org_fk("party_members"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_members")),
    )
    op.create_index("ix_party_members_org", "party_members", ["org_id"], unique=False)
    op.create_table(
        "party_meetings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("members", JSON, nullable=False),
        sa.Column("attended", JSON, nullable=False),
        sa.Column("excused", JSON, nullable=False),
        sa.Column("recorded_by", ID, nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
        _org_fk("party_meetings"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_meetings")),
    )
    op.create_index(
        "ix_party_meetings_org_held", "party_meetings", ["org_id", "held_on"], unique=False
    )
    op.create_table(
        "party_feedback",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("author", ID, nullable=False),
        sa.Column("text", sa.String(length=2000), nullable=False),
        sa.Column("answer", sa.String(length=2000), nullable=True),
        sa.Column("answered_by", ID, nullable=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("answered_at", TS, nullable=True),
        _org_fk("party_feedback"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_feedback")),
    )
    op.create_index("ix_party_feedback_org_at", "party_feedback", ["org_id", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_party_feedback_org_at", table_name="party_feedback")
    op.drop_table("party_feedback")
    op.drop_index("ix_party_meetings_org_held", table_name="party_meetings")
    op.drop_table("party_meetings")
    op.drop_index("ix_party_members_org", table_name="party_members")
    op.drop_table("party_members")
    op.drop_index("ix_party_orgs_community", table_name="party_orgs")
    op.drop_table("party_orgs")
