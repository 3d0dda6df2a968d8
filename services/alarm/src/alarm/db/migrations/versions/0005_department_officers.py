"""who answers for a department in a community, and every answer of a dispatch

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "department_officers",
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("department", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department_officers")),
        sa.UniqueConstraint("community_id", "department", "user_id", name="uq_department_officer"),
    )
    op.add_column(
        "incident_dispatches",
        sa.Column(
            "responses",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
    )


def downgrade() -> None:
    op.drop_column("incident_dispatches", "responses")
    op.drop_table("department_officers")
