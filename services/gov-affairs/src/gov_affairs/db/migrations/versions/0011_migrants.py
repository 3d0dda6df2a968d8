"""migrants: residence registrations and residence permits

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

JSON = postgresql.JSONB(astext_type=sa.Text())
WHEN = sa.DateTime(timezone=True)
ID = sa.String(length=64)


def upgrade() -> None:
    op.create_table(
        "migrant_registrations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", ID, nullable=False),
        sa.Column("building_id", ID, nullable=True),
        sa.Column("room_id", ID, nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("id_number", sa.Text(), nullable=False),
        sa.Column("id_number_idx", ID, nullable=False),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("account_id", ID, nullable=True),
        sa.Column("origin_division", sa.String(length=6), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("employer", sa.Text(), nullable=True),
        sa.Column("moved_in_on", sa.Date(), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("registered_by", ID, nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_migrant_registrations")),
    )
    op.create_index(
        "uq_migrant_registrations_current",
        "migrant_registrations",
        ["community_id", "id_number_idx"],
        unique=True,
        postgresql_where=sa.text("left_on IS NULL"),
    )
    op.create_index(
        "ix_migrant_registrations_community",
        "migrant_registrations",
        ["community_id", "registered_on", "id"],
    )
    op.create_table(
        "residence_permits",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("registration_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", ID, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=True),
        sa.Column("basis", JSON, nullable=False),
        sa.Column("applied_by", ID, nullable=False),
        sa.Column("applied_at", WHEN, nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("endorsements", JSON, nullable=False),
        sa.Column("reminders_sent", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["migrant_registrations.id"],
            name=op.f("fk_residence_permits_registration_id_migrant_registrations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_residence_permits")),
        sa.UniqueConstraint("number", name=op.f("uq_residence_permits_number")),
    )
    op.create_index(
        "ix_residence_permits_community",
        "residence_permits",
        ["community_id", "status", "valid_until"],
    )
    op.create_index(
        "uq_residence_permits_live",
        "residence_permits",
        ["registration_id"],
        unique=True,
        postgresql_where=sa.text("status IN ('applied', 'issued')"),
    )


def downgrade() -> None:
    op.drop_table("residence_permits")
    op.drop_table("migrant_registrations")
