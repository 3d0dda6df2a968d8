"""initial: the service hall (versioned services, applications with their approval runs
and tasks, encrypted material files, certificates), the welfare register, notices, and
population sightings and flags; the platform tables and the place directory with grants

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from sc_core.db.platform_migrations import create_platform_tables_v1, drop_platform_tables_v1
from sc_core.places.migrations import create_place_tables_v1, drop_place_tables_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_platform_tables_v1()
    create_place_tables_v1(grants=True)
    op.create_table(
        "notices",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=True),
        sa.Column("body_en", sa.Text(), nullable=True),
        sa.Column("roles", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("author_id", sa.String(length=64), nullable=False),
        sa.Column("approved_by", sa.String(length=64), nullable=True),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("pinned_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attachments", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("rejection", sa.String(length=500), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
    )
    op.create_index(
        "ix_notices_community_status",
        "notices",
        ["community_id", "status", "published_at"],
        unique=False,
    )
    op.create_table(
        "population_flags",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("grid_id", sa.String(length=64), nullable=True),
        sa.Column("building_id", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("key_idx", sa.String(length=64), nullable=False),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("resolution", sa.String(length=32), nullable=True),
        sa.Column("evidence", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("timeline", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_population_flags")),
    )
    op.create_index(
        "ix_population_flags_status", "population_flags", ["community_id", "status"], unique=False
    )
    op.create_index(
        "uq_population_flags_open",
        "population_flags",
        ["community_id", "kind", "key_idx"],
        unique=True,
        postgresql_where=sa.text("status <> 'closed'"),
    )
    op.create_table(
        "service_items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("item", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_items")),
        sa.UniqueConstraint(
            "community_id", "code", "version", name=op.f("uq_service_items_community_id")
        ),
    )
    op.create_table(
        "sightings",
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("key_idx", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("doors", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("community_id", "key_idx", "day", name=op.f("pk_sightings")),
    )
    op.create_table(
        "welfare_people",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("id_number", sa.Text(), nullable=False),
        sa.Column("id_number_idx", sa.String(length=64), nullable=False),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("disability", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_welfare_people")),
        sa.UniqueConstraint(
            "community_id", "id_number_idx", name=op.f("uq_welfare_people_community_id")
        ),
    )
    op.create_table(
        "welfare_programmes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("programme", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_welfare_programmes")),
        sa.UniqueConstraint(
            "community_id", "code", "version", name=op.f("uq_welfare_programmes_community_id")
        ),
    )
    op.create_table(
        "applications",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("item_code", sa.String(length=60), nullable=False),
        sa.Column("item_version", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("grid_id", sa.String(length=64), nullable=True),
        sa.Column("building_id", sa.String(length=64), nullable=True),
        sa.Column("unit_id", sa.String(length=64), nullable=True),
        sa.Column("room_id", sa.String(length=64), nullable=True),
        sa.Column("household_id", sa.String(length=64), nullable=True),
        sa.Column("applicant_id", sa.String(length=64), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("subject_idx", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("instant", sa.Boolean(), nullable=False),
        sa.Column("materials", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("requests", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("timeline", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("run", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["service_items.id"], name=op.f("fk_applications_item_id_service_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
        sa.UniqueConstraint("number", name=op.f("uq_applications_number")),
        sa.UniqueConstraint("seq", name=op.f("uq_applications_seq")),
    )
    op.create_index(
        "ix_applications_applicant", "applications", ["applicant_id", "submitted_at"], unique=False
    )
    op.create_index(
        "ix_applications_community_status", "applications", ["community_id", "status"], unique=False
    )
    op.create_index("ix_applications_subject", "applications", ["subject_idx"], unique=False)
    op.create_table(
        "notice_places",
        sa.Column("notice_id", sa.Uuid(), nullable=False),
        sa.Column("place_type", sa.String(length=16), nullable=False),
        sa.Column("place_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name=op.f("fk_notice_places_notice_id_notices")
        ),
        sa.PrimaryKeyConstraint(
            "notice_id", "place_type", "place_id", name=op.f("pk_notice_places")
        ),
    )
    op.create_index(
        "ix_notice_places_place", "notice_places", ["place_type", "place_id"], unique=False
    )
    op.create_table(
        "notice_reads",
        sa.Column("notice_id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name=op.f("fk_notice_reads_notice_id_notices")
        ),
        sa.PrimaryKeyConstraint("notice_id", "account_id", name=op.f("pk_notice_reads")),
    )
    op.create_table(
        "application_files",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.String(length=64), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=True),
        sa.Column("material", sa.String(length=40), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_files_application_id_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_files")),
    )
    op.create_index(
        op.f("ix_application_files_application_id"),
        "application_files",
        ["application_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_application_files_owner_id"), "application_files", ["owner_id"], unique=False
    )
    op.create_table(
        "approval_tasks",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("task_id", sa.String(length=80), nullable=False),
        sa.Column("step", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("assignee_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_approval_tasks_application_id_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_tasks")),
        sa.UniqueConstraint(
            "application_id", "task_id", name=op.f("uq_approval_tasks_application_id")
        ),
    )
    op.create_index(
        "ix_approval_tasks_assignee", "approval_tasks", ["assignee_id", "status"], unique=False
    )
    op.create_index(
        "ix_approval_tasks_due",
        "approval_tasks",
        ["due_at"],
        unique=False,
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_table(
        "beneficiaries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("programme", sa.String(length=40), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=True),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("grid_id", sa.String(length=64), nullable=True),
        sa.Column("building_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("monthly_amount", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("next_review_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_beneficiaries_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["welfare_people.id"],
            name=op.f("fk_beneficiaries_person_id_welfare_people"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_beneficiaries")),
    )
    op.create_index(
        "ix_beneficiaries_community",
        "beneficiaries",
        ["community_id", "programme", "status"],
        unique=False,
    )
    op.create_index(
        "ix_beneficiaries_grid", "beneficiaries", ["grid_id", "programme", "status"], unique=False
    )
    op.create_index("ix_beneficiaries_review", "beneficiaries", ["next_review_on"], unique=False)
    op.create_index(
        "uq_beneficiaries_open",
        "beneficiaries",
        ["person_id", "programme"],
        unique=True,
        postgresql_where=sa.text("status <> 'ended'"),
    )
    op.create_table(
        "certificates",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=True),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("holder_id", sa.String(length=64), nullable=False),
        sa.Column("code_sha256", sa.String(length=64), nullable=False),
        sa.Column("title_zh", sa.String(length=120), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("holder_masked", sa.String(length=40), nullable=False),
        sa.Column("issuer_zh", sa.String(length=120), nullable=False),
        sa.Column("issuer_en", sa.String(length=200), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.String(length=500), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_certificates_application_id_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
        sa.UniqueConstraint("application_id", name=op.f("uq_certificates_application_id")),
        sa.UniqueConstraint("code_sha256", name=op.f("uq_certificates_code_sha256")),
        sa.UniqueConstraint("number", name=op.f("uq_certificates_number")),
    )
    op.create_index(op.f("ix_certificates_holder_id"), "certificates", ["holder_id"], unique=False)
    op.create_table(
        "welfare_payments",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("beneficiary_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("reference", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["beneficiaries.id"],
            name=op.f("fk_welfare_payments_beneficiary_id_beneficiaries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_welfare_payments")),
        sa.UniqueConstraint(
            "beneficiary_id", "month", name=op.f("uq_welfare_payments_beneficiary_id")
        ),
    )
    op.create_table(
        "welfare_reviews",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("beneficiary_id", sa.Uuid(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("by", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("monthly_amount", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["beneficiaries.id"],
            name=op.f("fk_welfare_reviews_beneficiary_id_beneficiaries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_welfare_reviews")),
    )
    op.create_index(
        op.f("ix_welfare_reviews_beneficiary_id"),
        "welfare_reviews",
        ["beneficiary_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("welfare_reviews")
    op.drop_table("welfare_payments")
    op.drop_table("certificates")
    op.drop_table("beneficiaries")
    op.drop_table("approval_tasks")
    op.drop_table("application_files")
    op.drop_table("notice_reads")
    op.drop_table("notice_places")
    op.drop_table("applications")
    op.drop_table("welfare_programmes")
    op.drop_table("welfare_people")
    op.drop_table("sightings")
    op.drop_table("service_items")
    op.drop_table("population_flags")
    op.drop_table("notices")
    drop_place_tables_v1(grants=True)
    drop_platform_tables_v1()
