"""safety education and staff training: courses and each person's progress

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

JSON = postgresql.JSONB(astext_type=sa.Text())
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "training_courses",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_courses")),
    )
    op.create_index(
        "ix_training_courses_community",
        "training_courses",
        ["community_id", "created_at", "id"],
        unique=False,
    )
    op.create_table(
        "training_progress",
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.Column("best_percent", sa.Integer(), nullable=True),
        sa.Column("completed_at", WHEN, nullable=True),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["training_courses.id"],
            name=op.f("fk_training_progress_course_id_training_courses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("course_id", "person_id", name=op.f("pk_training_progress")),
    )
    op.create_index(
        "ix_training_progress_person",
        "training_progress",
        ["person_id", "updated_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_training_progress_person", table_name="training_progress")
    op.drop_table("training_progress")
    op.drop_index("ix_training_courses_community", table_name="training_courses")
    op.drop_table("training_courses")
