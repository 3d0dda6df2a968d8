"""social organisations and enterprises: the register, meetings and activities, complaints

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

ID = sa.String(length=64)
TS = sa.DateTime(timezone=True)
JSON = postgresql.JSONB(astext_type=sa.Text())


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", ID, nullable=False),
        sa.Column("org_name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("scope", sa.String(length=1000), nullable=False),
        sa.Column("tags", JSON, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", ID, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("community_id", "uscc", name="uq_organisations_community_uscc"),
    )
    op.create_index(
        "ix_organisations_community_name",
        "organisations",
        ["community_id", "org_name"],
        unique=False,
    )
    op.create_table(
        "organisation_meetings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("held_at", TS, nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("attendees", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.String(length=5000), nullable=False),
        sa.Column("recorded_by", ID, nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_organisation_meetings_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_meetings")),
    )
    op.create_index(
        "ix_organisation_meetings_org_held",
        "organisation_meetings",
        ["organisation_id", "held_at"],
        unique=False,
    )
    op.create_table(
        "organisation_complaints",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", ID, nullable=False),
        sa.Column("household_id", ID, nullable=False),
        sa.Column("filed_by", ID, nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("work_order_id", ID, nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("filed_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_organisation_complaints_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_complaints")),
    )
    op.create_index(
        "ix_organisation_complaints_org_at",
        "organisation_complaints",
        ["organisation_id", "filed_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_organisation_complaints_work_order_id"),
        "organisation_complaints",
        ["work_order_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_organisation_complaints_work_order_id"), table_name="organisation_complaints"
    )
    op.drop_index("ix_organisation_complaints_org_at", table_name="organisation_complaints")
    op.drop_table("organisation_complaints")
    op.drop_index("ix_organisation_meetings_org_held", table_name="organisation_meetings")
    op.drop_table("organisation_meetings")
    op.drop_index("ix_organisations_community_name", table_name="organisations")
    op.drop_table("organisations")
