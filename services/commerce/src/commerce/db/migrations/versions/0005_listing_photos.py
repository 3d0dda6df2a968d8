"""listing photos and a listing's position

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("listings", sa.Column("latitude", sa.Float(), nullable=True))
    op.add_column("listings", sa.Column("longitude", sa.Float(), nullable=True))
    op.create_table(
        "listing_photos",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("listing_id", sa.Uuid(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("uploaded_by", sa.String(64), nullable=False),
        sa.Column("content_type", sa.String(32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("storage_key", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_listing_photos"),
        sa.ForeignKeyConstraint(["listing_id"], ["listings.id"], name="fk_listing_photos_listing"),
    )
    op.create_index("ix_listing_photos_listing", "listing_photos", ["listing_id", "position"])
    op.create_index("ix_listing_photos_unlinked", "listing_photos", ["uploaded_by", "listing_id"])
    op.create_index("ix_listing_photos_created", "listing_photos", ["created_at"])


def downgrade() -> None:
    op.drop_table("listing_photos")
    op.drop_column("listings", "longitude")
    op.drop_column("listings", "latitude")
