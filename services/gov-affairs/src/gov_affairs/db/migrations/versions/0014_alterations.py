"""alteration requests (装修/改建): the request and its approval run as JSON

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

JSON = postgresql.JSONB(astext_type=sa.Text())
WHEN = sa.DateTime(timezone=True)
ID = sa.String(length=64)


def upgrade() -> None:
    op.create_table(
        "alterations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", ID, nullable=False),
        sa.Column("building_id", ID, nullable=False),
        sa.Column("unit_id", ID, nullable=True),
        sa.Column("room_id", ID, nullable=False),
        sa.Column("grid_id", ID, nullable=True),
        sa.Column("household_id", ID, nullable=False),
        sa.Column("applicant_id", ID, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.Column("run", JSON, nullable=False),
        sa.Column("waiting_for", JSON, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alterations")),
    )
    op.create_index("ix_alterations_community", "alterations", ["community_id", "created_at", "id"])
    op.create_index("ix_alterations_room", "alterations", ["room_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_alterations_room", table_name="alterations")
    op.drop_index("ix_alterations_community", table_name="alterations")
    op.drop_table("alterations")
