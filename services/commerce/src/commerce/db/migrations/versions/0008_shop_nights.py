"""people living in shops: a shop's door and learned building, the flag's reason in
words, what each night at a shop's room showed (its meter's counter), the entries by its
door at night

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("shops", sa.Column("door_id", sa.String(64), nullable=True))
    op.add_column("shops", sa.Column("building_id", sa.String(64), nullable=True))
    op.add_column("shops", sa.Column("flag_zh", sa.String(500), nullable=True))
    op.add_column("shops", sa.Column("flag_en", sa.String(500), nullable=True))
    op.create_index("ix_shops_room", "shops", ["room_id"])
    op.create_index("ix_shops_door", "shops", ["door_id"])
    op.create_table(
        "shop_nights",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("night", sa.Date(), nullable=False),
        sa.Column("energy_min", sa.Float(), nullable=True),
        sa.Column("energy_max", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "night", name="pk_shop_nights"),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name="fk_shop_nights_shop"),
    )
    op.create_table(
        "shop_entries",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("passage_id", sa.String(64), nullable=False),
        sa.Column("night", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("shop_id", "passage_id", name="pk_shop_entries"),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name="fk_shop_entries_shop"),
    )
    op.create_index("ix_shop_entries_night", "shop_entries", ["shop_id", "night"])


def downgrade() -> None:
    op.drop_table("shop_entries")
    op.drop_table("shop_nights")
    op.drop_index("ix_shops_door", table_name="shops")
    op.drop_index("ix_shops_room", table_name="shops")
    for column in ("flag_en", "flag_zh", "building_id", "door_id"):
        op.drop_column("shops", column)
