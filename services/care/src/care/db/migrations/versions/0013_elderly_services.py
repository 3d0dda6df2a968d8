"""care: mutual aid requests (邻里互助) and value-added services (增值服务) offered and booked

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "care_help_requests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("building_id", sa.String(length=64), nullable=True),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("requested_by", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("wanted_at", TZ, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("taker", sa.String(length=128), nullable=True),
        sa.Column("taker_name", sa.Text(), nullable=True),
        sa.Column("taken_at", TZ, nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("thanks", sa.Text(), nullable=True),
        sa.Column("closed_at", TZ, nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.CheckConstraint(
            "status NOT IN ('taken', 'done') OR taker IS NOT NULL",
            name=op.f("ck_care_help_requests_taken_has_taker"),
        ),
        sa.CheckConstraint(
            "rating IS NULL OR rating BETWEEN 1 AND 5",
            name=op.f("ck_care_help_requests_rating_range"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_help_requests")),
    )
    op.create_index(
        "ix_care_help_requests_board",
        "care_help_requests",
        ["community_id", "status", "wanted_at", "id"],
    )
    for column in ("person_id", "requested_by", "taker"):
        op.create_index(op.f(f"ix_care_help_requests_{column}"), "care_help_requests", [column])
    op.create_table(
        "care_service_offers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("provider", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("price_fen", sa.Integer(), nullable=False),
        sa.Column("price_unit", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.CheckConstraint(
            "price_fen >= 0", name=op.f("ck_care_service_offers_price_not_negative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_service_offers")),
    )
    op.create_index(
        "ix_care_service_offers_list",
        "care_service_offers",
        ["community_id", "created_at", "id"],
    )
    op.create_table(
        "care_service_orders",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("offer_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("booked_by", sa.String(length=128), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("price_fen", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("handled_by", sa.String(length=128), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.CheckConstraint(
            "rating IS NULL OR rating BETWEEN 1 AND 5",
            name=op.f("ck_care_service_orders_rating_range"),
        ),
        sa.CheckConstraint(
            "status <> 'rated' OR rating IS NOT NULL",
            name=op.f("ck_care_service_orders_rated_has_rating"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_service_orders")),
    )
    op.create_index(
        "ix_care_service_orders_community",
        "care_service_orders",
        ["community_id", "created_at", "id"],
    )
    for column in ("offer_id", "person_id", "booked_by"):
        op.create_index(op.f(f"ix_care_service_orders_{column}"), "care_service_orders", [column])


def downgrade() -> None:
    op.drop_table("care_service_orders")
    op.drop_table("care_service_offers")
    op.drop_table("care_help_requests")
