"""a tenant's end date (issue 19 item 8): on the request that linked them and on the
owner's invitation; when the owner was told and when the tenancy ended

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("join_requests", sa.Column("ends_on", sa.Date(), nullable=True))
    op.add_column(
        "join_requests", sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("join_requests", sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_join_requests_tenancy_due",
        "join_requests",
        ["ends_on"],
        postgresql_where=sa.text("ends_on IS NOT NULL AND ended_at IS NULL"),
    )
    op.add_column("household_invitations", sa.Column("ends_on", sa.Date(), nullable=True))


def downgrade() -> None:
    op.drop_column("household_invitations", "ends_on")
    op.drop_index("ix_join_requests_tenancy_due", table_name="join_requests")
    for column in ("ended_at", "reminded_at", "ends_on"):
        op.drop_column("join_requests", column)
