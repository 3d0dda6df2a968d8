"""offers of shops, residents' opt-ins to their pushes, the pushes the weekly cap counts

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "shop_offers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(64), nullable=False),
        sa.Column("title_zh", sa.String(60), nullable=False),
        sa.Column("title_en", sa.String(100), nullable=False),
        sa.Column("text", sa.String(500), nullable=False),
        sa.Column("price_fen", sa.BigInteger(), nullable=True),
        sa.Column("discount_pct", sa.Integer(), nullable=True),
        sa.Column("valid_from", TS, nullable=False),
        sa.Column("valid_to", TS, nullable=False),
        sa.Column("pushed_count", sa.Integer(), nullable=False),
        sa.Column("capped_count", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_shop_offers"),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name="fk_shop_offers_shop"),
    )
    op.create_index("ix_shop_offers_shop", "shop_offers", ["shop_id", "valid_to", "id"])
    op.create_table(
        "shop_subscriptions",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("household_id", sa.String(64), nullable=False),
        sa.Column("opted_in", sa.Boolean(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("shop_id", "user_id", name="pk_shop_subscriptions"),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name="fk_shop_subscriptions_shop"),
    )
    op.create_index("ix_shop_subscriptions_shop", "shop_subscriptions", ["shop_id", "opted_in"])
    op.create_table(
        "offer_pushes",
        sa.Column("offer_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("pushed_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("offer_id", "user_id", name="pk_offer_pushes"),
        sa.ForeignKeyConstraint(["offer_id"], ["shop_offers.id"], name="fk_offer_pushes_offer"),
    )
    op.create_index(
        "ix_offer_pushes_user_shop", "offer_pushes", ["user_id", "shop_id", "pushed_at"]
    )


def downgrade() -> None:
    op.drop_table("offer_pushes")
    op.drop_table("shop_subscriptions")
    op.drop_table("shop_offers")
