"""Firmware over the air (issue 20 item 4): packages of a device type in a community, the
package of a device type, a device's own package and the state it reported.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "firmware_packages",
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        sa.Column("community_id", sa.String(64), nullable=False),
        sa.Column("device_type", sa.String(64), nullable=False),
        sa.Column("title", sa.String(128), nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("checksum_algorithm", sa.String(16), nullable=False),
        sa.Column("checksum", sa.String(128), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("storage_key", sa.String(256), nullable=False),
        sa.Column("uploaded_by", sa.String(128), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_firmware_packages")),
        sa.UniqueConstraint("community_id", "title", "version", name="uq_firmware_title_version"),
    )
    op.create_index("ix_firmware_packages_community_id", "firmware_packages", ["community_id"])
    op.create_table(
        "firmware_type_assignments",
        sa.Column("community_id", sa.String(64), nullable=False),
        sa.Column("device_type", sa.String(64), nullable=False),
        sa.Column("firmware_id", UUID(as_uuid=True), nullable=False),
        sa.Column(
            "assigned_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.ForeignKeyConstraint(
            ["firmware_id"],
            ["firmware_packages.id"],
            name=op.f("fk_firmware_type_assignments_firmware_id_firmware_packages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "community_id", "device_type", name=op.f("pk_firmware_type_assignments")
        ),
    )
    op.create_index(
        "ix_firmware_type_assignments_firmware_id", "firmware_type_assignments", ["firmware_id"]
    )
    op.add_column("devices", sa.Column("firmware_id", UUID(as_uuid=True), nullable=True))
    op.create_foreign_key(
        op.f("fk_devices_firmware_id_firmware_packages"),
        "devices",
        "firmware_packages",
        ["firmware_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_index("ix_devices_firmware_id", "devices", ["firmware_id"])
    op.add_column("devices", sa.Column("fw_state", sa.String(16), nullable=True))
    op.add_column("devices", sa.Column("fw_error", sa.Text, nullable=True))
    op.add_column("devices", sa.Column("fw_state_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_index("ix_devices_firmware_id", table_name="devices")
    op.drop_constraint(
        op.f("fk_devices_firmware_id_firmware_packages"), "devices", type_="foreignkey"
    )
    for column in ("fw_state_at", "fw_error", "fw_state", "firmware_id"):
        op.drop_column("devices", column)
    op.drop_table("firmware_type_assignments")
    op.drop_table("firmware_packages")
