"""Utility readings (issue 25 item 2, 5.2): the utility company's meter number (表号) of a
registered meter, and the record of every import of a utility's readings.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("devices", sa.Column("meter_no", sa.String(64), nullable=True))
    op.create_index(
        "uq_devices_meter_no",
        "devices",
        ["device_type", "meter_no"],
        unique=True,
        postgresql_where=sa.text("meter_no IS NOT NULL"),
    )
    op.create_table(
        "utility_imports",
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("imported_by", sa.String(128), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("rows_total", sa.Integer, nullable=False),
        sa.Column("rows_new", sa.Integer, nullable=False),
        sa.Column("rows_unchanged", sa.Integer, nullable=False),
        sa.Column("rows_bad", sa.Integer, nullable=False),
        sa.Column("errors", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_utility_imports")),
    )
    op.create_index("ix_utility_imports_by", "utility_imports", ["imported_by", "created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_utility_imports_by", table_name="utility_imports")
    op.drop_table("utility_imports")
    op.drop_index("uq_devices_meter_no", table_name="devices")
    op.drop_column("devices", "meter_no")
