"""single-use stream tickets (issue 19 item 7)

Revision ID: 0005
Revises: 0004

``GET /api/v1/stream?ticket=`` opens the stream for a browser's EventSource or a
mini-program, which cannot send an Authorization header. A row keeps the SHA-256 of the
ticket (never the ticket) and the claims of the token that asked for it.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stream_ticket",
        sa.Column("ticket_hash", sa.String(length=64), nullable=False),
        sa.Column("claims", JSONB(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("ticket_hash", name=op.f("pk_stream_ticket")),
    )
    op.create_index("ix_stream_ticket_expires", "stream_ticket", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_stream_ticket_expires", table_name="stream_ticket")
    op.drop_table("stream_ticket")
