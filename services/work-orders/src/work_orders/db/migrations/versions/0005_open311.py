"""Open311 GeoReport v2 (issue 25 item 3, ADR 0035): API clients (keys stored hashed,
their communities, revocable), their calls per rate window, the places requests may fall
in (position, reach, standard address code, time zone) and the requests each client filed

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
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "open311_clients",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("key_prefix", sa.String(length=16), nullable=False),
        sa.Column("community_ids", postgresql.JSONB(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("revoked_at", TS, nullable=True),
        sa.Column("last_used_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open311_clients")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_open311_clients_key_hash")),
    )
    op.create_table(
        "open311_usage",
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("window_start", TS, nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["open311_clients.id"],
            name=op.f("fk_open311_usage_client_id_open311_clients"),
        ),
        sa.PrimaryKeyConstraint("client_id", "window_start", name=op.f("pk_open311_usage")),
    )
    op.create_table(
        "open311_places",
        sa.Column("place_id", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("building_id", sa.String(length=64), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address_code", sa.String(length=64), nullable=True),
        sa.Column("longitude", sa.Double(), nullable=False),
        sa.Column("latitude", sa.Double(), nullable=False),
        sa.Column("radius_m", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("agency", sa.String(length=100), nullable=True),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("place_id", name=op.f("pk_open311_places")),
        sa.UniqueConstraint("address_code", name=op.f("uq_open311_places_address_code")),
    )
    op.create_index(
        op.f("ix_open311_places_community_id"), "open311_places", ["community_id"], unique=False
    )
    op.create_table(
        "open311_requests",
        sa.Column("work_order_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("token", sa.Uuid(), nullable=False),
        sa.Column("address_id", sa.String(length=64), nullable=True),
        sa.Column("media_url", sa.String(length=500), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("agency", sa.String(length=100), nullable=True),
        sa.Column("first_name", sa.Text(), nullable=True),
        sa.Column("last_name", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["open311_clients.id"],
            name=op.f("fk_open311_requests_client_id_open311_clients"),
        ),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_orders.id"],
            name=op.f("fk_open311_requests_work_order_id_work_orders"),
        ),
        sa.PrimaryKeyConstraint("work_order_id", name=op.f("pk_open311_requests")),
        sa.UniqueConstraint("token", name=op.f("uq_open311_requests_token")),
    )
    op.create_index(
        "ix_open311_requests_client_created",
        "open311_requests",
        ["client_id", "created_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("open311_requests")
    op.drop_table("open311_places")
    op.drop_table("open311_usage")
    op.drop_table("open311_clients")
