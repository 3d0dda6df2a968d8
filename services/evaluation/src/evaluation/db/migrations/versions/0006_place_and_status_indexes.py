"""indexes for reads that scanned every row at 100,000 rows (ADR 0061)

Revision ID: 0006
Revises: 0005

Every KPI of one place and period (``scope, scope_id, service, period``: the primary key
starts with ``kpi``, so it was a scan of kpi_buckets, 36 ms at 106,000 buckets, on each
figure read) and the open surveys oldest first (150 ms at 100,000 surveys).
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_kpi_buckets_place", "kpi_buckets", ["scope", "scope_id", "service", "period"]
    )
    op.create_index("ix_surveys_status_created", "surveys", ["status", "created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_surveys_status_created", table_name="surveys")
    op.drop_index("ix_kpi_buckets_place", table_name="kpi_buckets")
