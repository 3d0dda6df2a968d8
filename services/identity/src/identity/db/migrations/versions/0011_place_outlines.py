"""outlines of communities, grids and buildings (轮廓, issue 25 item 4)

Revision ID: 0011
Revises: 0010

A GeoJSON Polygon or MultiPolygon in WGS-84 per place, for the map; JSONB, not PostGIS
(docs/adr/0043-place-outlines-as-geojson.md). Public data, not personal.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TABLES = ("communities", "grids", "buildings")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("outline", postgresql.JSONB(), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        op.drop_column(table, "outline")
