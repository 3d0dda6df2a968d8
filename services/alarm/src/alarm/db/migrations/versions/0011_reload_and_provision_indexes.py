"""the rules' newest stamp, shelters and supplies by name through indexes (ADR 0066)

Revision ID: 0011
Revises: 0010

The evaluator checks every 5 s whether the rules changed: it counted the live rules and
read their newest ``updated_at``, a scan of all of them (100,000 rules: 100 ms a tick, on
an idle platform). It now reads only the newest stamp, through ``ix_alarm_rules_updated``.
Shelters and emergency supplies are listed by name, everyone's and a community's: a scan
and a sort of the table at 100,000 rows, read through these indexes instead.
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_alarm_rules_updated", "alarm_rules", ["updated_at"])
    for table in ("shelters", "emergency_supplies"):
        op.create_index(f"ix_{table}_listed", table, ["name", "id"])
        op.create_index(f"ix_{table}_community_listed", table, ["community_id", "name", "id"])


def downgrade() -> None:
    for table in ("emergency_supplies", "shelters"):
        op.drop_index(f"ix_{table}_community_listed", table_name=table)
        op.drop_index(f"ix_{table}_listed", table_name=table)
    op.drop_index("ix_alarm_rules_updated", table_name="alarm_rules")
