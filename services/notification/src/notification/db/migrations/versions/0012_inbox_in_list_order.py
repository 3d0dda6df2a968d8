"""my inbox in its list's order through an index (ADR 0066)

Revision ID: 0012
Revises: 0011

``GET /api/v1/inbox`` lists the caller's messages unread first, newest first
(``read_at IS NOT NULL, id DESC``): the user's index gave every message of the caller, then
a sort. For a recipient of 33,000 messages (bench/list_seed.py) 178 ms a page; through
``(user_id, (read_at IS NOT NULL), id DESC)`` 0.09 ms, however long the inbox grows before
its retention prunes it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_inbox_message_listed",
        "inbox_message",
        ["user_id", sa.text("(read_at IS NOT NULL)"), sa.text("id DESC")],
    )


def downgrade() -> None:
    op.drop_index("ix_inbox_message_listed", table_name="inbox_message")
