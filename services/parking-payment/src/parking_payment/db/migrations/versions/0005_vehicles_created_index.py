"""the vehicles' list newest first through an index (ADR 0061)

Revision ID: 0005
Revises: 0004

``GET /api/v1/parking/vehicles`` was a scan and a sort of every vehicle (71 ms a page at
100,000 vehicles for a platform-wide caller) or of a community's (41 ms).
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_vehicles_created", "vehicles", ["created_at"])
    op.create_index("ix_vehicles_community_created", "vehicles", ["community_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_vehicles_community_created", table_name="vehicles")
    op.drop_index("ix_vehicles_created", table_name="vehicles")
