"""case type shop_living_check (商铺住人核查): a shop commerce flagged as a place where
people may be living (九小场所住人), checked by the grid worker; cases found by their
external reference (one case per flag)

Revision ID: 0004
Revises: 0003
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None
NOW = datetime(2026, 12, 4, tzinfo=UTC)
# Frozen here (not imported) so this migration never changes meaning; admins change it
# through the API afterwards.
ROW = {
    "code": "shop_living_check",
    "name": "Shop living check (people may live in a shop)",
    "name_zh": "商铺住人核查",
    "creator_roles": ["grid_worker", "community_admin"],
    "default_priority": "high",
    "sla": {
        "urgent": {"response": 30, "resolution": 240},
        "high": {"response": 240, "resolution": 2880},
        "normal": {"response": 1440, "resolution": 4320},
        "low": {"response": 2880, "resolution": 10080},
    },
    "skills": ["grid"],
    "needs_external_ref": False,
    "active": True,
    "updated_at": NOW,
}


def upgrade() -> None:
    table = sa.table(
        "case_types",
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("name_zh", sa.String),
        sa.column("creator_roles", postgresql.JSONB),
        sa.column("default_priority", sa.String),
        sa.column("sla", postgresql.JSONB),
        sa.column("skills", postgresql.JSONB),
        sa.column("needs_external_ref", sa.Boolean),
        sa.column("active", sa.Boolean),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    op.bulk_insert(table, [ROW])
    op.create_index("ix_work_orders_external_ref", "work_orders", ["external_ref"])


def downgrade() -> None:
    op.drop_index("ix_work_orders_external_ref", table_name="work_orders")
    op.execute("DELETE FROM case_types WHERE code = 'shop_living_check'")
