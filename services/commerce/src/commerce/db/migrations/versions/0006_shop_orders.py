"""shop orders and their items

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "shop_orders",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("merchant_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(64), nullable=False),
        sa.Column("household_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("total_fen", sa.BigInteger(), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(500), nullable=True),
        sa.Column("refuse_reason", sa.String(500), nullable=True),
        sa.Column("placed_by", sa.String(64), nullable=False),
        sa.Column("paid_at", TS, nullable=True),
        sa.Column("payment_order_id", sa.String(64), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_shop_orders"),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name="fk_shop_orders_shop"),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], name="fk_shop_orders_merchant"),
    )
    op.create_index("ix_shop_orders_community", "shop_orders", ["community_id", "created_at", "id"])
    op.create_index("ix_shop_orders_shop", "shop_orders", ["shop_id", "created_at", "id"])
    op.create_index("ix_shop_orders_household", "shop_orders", ["household_id", "created_at", "id"])
    op.create_table(
        "shop_order_items",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("unit", sa.String(16), nullable=True),
        sa.Column("unit_price_fen", sa.BigInteger(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("order_id", "product_id", name="pk_shop_order_items"),
        sa.ForeignKeyConstraint(["order_id"], ["shop_orders.id"], name="fk_shop_order_items_order"),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name="fk_shop_order_items_product"
        ),
    )


def downgrade() -> None:
    op.drop_table("shop_order_items")
    op.drop_table("shop_orders")
