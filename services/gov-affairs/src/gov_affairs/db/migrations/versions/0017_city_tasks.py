"""tasks a district or city platform sends down (issue 25 item 2): the task as received
and what it became in each community (a case, a notice) with its state

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

JSON = postgresql.JSONB(astext_type=sa.Text())
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "city_tasks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("agreement_id", sa.Uuid(), nullable=False),
        sa.Column("sender_code", sa.String(length=64), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("communities", JSON, nullable=False),
        sa.Column("building_id", sa.String(length=64), nullable=True),
        sa.Column("due_at", WHEN, nullable=True),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("received_by", sa.String(length=64), nullable=False),
        sa.Column("received_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_city_tasks")),
        sa.UniqueConstraint("sender_code", "external_id", name="uq_city_tasks_sender_task"),
    )
    op.create_index("ix_city_tasks_agreement_id", "city_tasks", ["agreement_id"])
    op.create_index("ix_city_tasks_received", "city_tasks", ["received_at", "id"])
    op.create_table(
        "city_task_items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("work_order_id", sa.String(length=64), nullable=True),
        sa.Column("notice_id", sa.Uuid(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("state_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["city_tasks.id"],
            name=op.f("fk_city_task_items_task_id_city_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_city_task_items")),
    )
    op.create_index("ix_city_task_items_task_id", "city_task_items", ["task_id"])
    op.create_index("ix_city_task_items_community_id", "city_task_items", ["community_id"])


def downgrade() -> None:
    op.drop_table("city_task_items")
    op.drop_table("city_tasks")
