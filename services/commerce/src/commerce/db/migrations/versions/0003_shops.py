"""shops and their products

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "shops",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("merchant_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("description", sa.String(1000), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("room_id", sa.String(64), nullable=True),
        sa.Column("flag", sa.String(32), nullable=True),
        sa.Column("flagged_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_shops"),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], name="fk_shops_merchant"),
        sa.UniqueConstraint("merchant_id", name="uq_shops_merchant"),
    )
    op.create_index("ix_shops_community", "shops", ["community_id", "name", "id"])
    op.create_table(
        "products",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("description", sa.String(1000), nullable=True),
        sa.Column("unit", sa.String(16), nullable=True),
        sa.Column("price_fen", sa.BigInteger(), nullable=False),
        sa.Column("available", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_products"),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name="fk_products_shop"),
    )
    op.create_index("ix_products_shop", "products", ["shop_id", "name", "id"])


def downgrade() -> None:
    op.drop_table("products")
    op.drop_table("shops")
