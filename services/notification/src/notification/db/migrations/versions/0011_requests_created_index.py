"""the platform-wide list of notification requests, newest first, through an index

Revision ID: 0011
Revises: 0010

``GET /api/v1/notifications`` for a platform-wide caller was a scan and a sort of every
request: 163 ms a page at 100,000 requests (bench/list_walk.py, ADR 0061).
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_notification_request_created", "notification_request", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_notification_request_created", table_name="notification_request")
