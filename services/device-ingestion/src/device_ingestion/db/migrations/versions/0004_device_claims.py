"""Claiming (ThingsBoard's device claiming): the secret a device announces (its SHA-256) and
until when it may be claimed with it.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("devices", sa.Column("claim_secret_hash", sa.String(64), nullable=True))
    op.add_column(
        "devices", sa.Column("claim_expires_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_index(
        "ix_devices_claim",
        "devices",
        ["name", "claim_secret_hash"],
        postgresql_where=sa.text("claim_secret_hash IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_devices_claim", table_name="devices")
    op.drop_column("devices", "claim_expires_at")
    op.drop_column("devices", "claim_secret_hash")
