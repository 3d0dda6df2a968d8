"""case type population_check (人口核查): a population check a district or city platform
sent down (issue 25 item 2), done by the grid worker; cases from city tasks carry the
request's id as their external reference

Revision ID: 0006
Revises: 0005
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None
NOW = datetime(2026, 12, 5, tzinfo=UTC)
# Frozen here (not imported) so this migration never changes meaning; admins change it
# through the API afterwards.
ROW = {
    "code": "population_check",
    "name": "Population check (sent down by the district)",
    "name_zh": "人口核查",
    "creator_roles": ["grid_worker", "community_admin"],
    "default_priority": "normal",
    "sla": {
        "urgent": {"response": 60, "resolution": 480},
        "high": {"response": 240, "resolution": 1440},
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


def downgrade() -> None:
    op.execute("DELETE FROM case_types WHERE code = 'population_check'")
