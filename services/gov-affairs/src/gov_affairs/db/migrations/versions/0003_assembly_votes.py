"""owners' assembly votes: the room register (exclusive areas, owners), votes with their
frozen electorate, one ballot per voting unit

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ID = sa.String(length=64)
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "assembly_rooms",
        sa.Column("room_id", ID, nullable=False),
        sa.Column("community_id", ID, nullable=False),
        sa.Column("building_id", ID, nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("label_en", sa.String(length=200), nullable=False),
        sa.Column("area_m2", sa.Numeric(12, 2), nullable=True),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("room_id", name=op.f("pk_assembly_rooms")),
    )
    op.create_index(
        op.f("ix_assembly_rooms_community_id"), "assembly_rooms", ["community_id"], unique=False
    )
    op.create_table(
        "assembly_owners",
        sa.Column("household_id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("room_id", ID, nullable=False),
        sa.Column("community_id", ID, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("household_id", "person_id", name=op.f("pk_assembly_owners")),
    )
    op.create_index(
        op.f("ix_assembly_owners_community_id"), "assembly_owners", ["community_id"], unique=False
    )
    op.create_index(
        "ix_assembly_owners_room", "assembly_owners", ["room_id", "active"], unique=False
    )
    op.create_table(
        "votes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("matter", sa.String(length=16), nullable=False),
        sa.Column("rules", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("rooms", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("eligible", sa.Integer(), nullable=False),
        sa.Column("total_area_m2", sa.Numeric(12, 2), nullable=False),
        sa.Column("opens_at", TS, nullable=False),
        sa.Column("closes_at", TS, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("result", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("created_by", ID, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("closed_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_votes")),
    )
    op.create_index("ix_votes_community_opens", "votes", ["community_id", "opens_at"], unique=False)
    op.create_table(
        "vote_ballots",
        sa.Column("vote_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", ID, nullable=False),
        sa.Column("room_id", ID, nullable=False),
        sa.Column("choice", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("voter", ID, nullable=False),
        sa.Column("entered_by", ID, nullable=False),
        sa.Column("paper_serial", sa.String(length=40), nullable=True),
        sa.Column("cast_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["vote_id"],
            ["votes.id"],
            name=op.f("fk_vote_ballots_vote_id_votes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("vote_id", "unit_id", name=op.f("pk_vote_ballots")),
        sa.UniqueConstraint("vote_id", "paper_serial", name=op.f("uq_vote_ballots_vote_id")),
    )


def downgrade() -> None:
    op.drop_table("vote_ballots")
    op.drop_index("ix_votes_community_opens", table_name="votes")
    op.drop_table("votes")
    op.drop_index("ix_assembly_owners_room", table_name="assembly_owners")
    op.drop_index(op.f("ix_assembly_owners_community_id"), table_name="assembly_owners")
    op.drop_table("assembly_owners")
    op.drop_index(op.f("ix_assembly_rooms_community_id"), table_name="assembly_rooms")
    op.drop_table("assembly_rooms")
