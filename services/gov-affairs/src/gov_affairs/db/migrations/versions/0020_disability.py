"""disability support (issue 23 item 3): the register of disability certificates (the
certificate itself encrypted in welfare_people.disability) and assistive devices

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "disability_records",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("grid_id", sa.String(length=64), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("registered_by", sa.String(length=64), nullable=False),
        sa.Column("registered_at", WHEN, nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["welfare_people.id"],
            name=op.f("fk_disability_records_person_id_welfare_people"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disability_records")),
        sa.UniqueConstraint("person_id", name=op.f("uq_disability_records_person_id")),
    )
    op.create_index(
        "ix_disability_records_place", "disability_records", ["community_id", "grid_id"]
    )
    op.create_table(
        "assistive_devices",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("grid_id", sa.String(length=64), nullable=True),
        sa.Column("applicant_id", sa.String(length=64), nullable=False),
        sa.Column("device_type", sa.String(length=24), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("replace_by", sa.Date(), nullable=True),
        sa.Column("returned_on", sa.Date(), nullable=True),
        sa.Column("applied_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["disability_records.id"],
            name=op.f("fk_assistive_devices_record_id_disability_records"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistive_devices")),
    )
    op.create_index(op.f("ix_assistive_devices_record_id"), "assistive_devices", ["record_id"])
    op.create_index("ix_assistive_devices_place", "assistive_devices", ["community_id", "status"])
    op.create_index("ix_assistive_devices_applicant", "assistive_devices", ["applicant_id"])


def downgrade() -> None:
    op.drop_table("assistive_devices")
    op.drop_table("disability_records")
