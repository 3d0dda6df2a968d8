"""population checks: residents from identity's events, the day each was last seen, keys
matched to residents, the
sweeps claimed per community and day; who and where an absent resident's flag is about,
and its assignee

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)
ID = sa.String(length=64)


def upgrade() -> None:
    for column in ("person_id", "household_id", "room_id", "assignee"):
        op.add_column("population_flags", sa.Column(column, ID, nullable=True))
    op.create_table(
        "population_residents",
        sa.Column("person_id", ID, nullable=False),
        sa.Column("household_id", ID, nullable=False),
        sa.Column("community_id", ID, nullable=False),
        sa.Column("building_id", ID, nullable=True),
        sa.Column("room_id", ID, nullable=True),
        sa.Column("grid_id", ID, nullable=True),
        sa.Column("moved_in_on", sa.Date(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_population_residents")),
    )
    op.create_index(
        "ix_population_residents_community",
        "population_residents",
        ["community_id", "active"],
        unique=False,
    )
    op.create_table(
        "population_seen",
        sa.Column("person_id", ID, nullable=False),
        sa.Column("last_seen_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_population_seen")),
    )
    op.create_table(
        "population_known_keys",
        sa.Column("key_idx", sa.String(length=64), nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("seen_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("key_idx", name=op.f("pk_population_known_keys")),
    )
    op.create_table(
        "population_sweeps",
        sa.Column("community_id", ID, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("flags_opened", sa.Integer(), nullable=False),
        sa.Column("flags_updated", sa.Integer(), nullable=False),
        sa.Column("swept_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("community_id", "day", name=op.f("pk_population_sweeps")),
    )


def downgrade() -> None:
    op.drop_table("population_sweeps")
    op.drop_table("population_known_keys")
    op.drop_table("population_seen")
    op.drop_index("ix_population_residents_community", table_name="population_residents")
    op.drop_table("population_residents")
    for column in ("assignee", "room_id", "household_id", "person_id"):
        op.drop_column("population_flags", column)
