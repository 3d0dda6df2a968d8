"""care: a GIN index on care_persons.guardians ("whose guardian am I")

Revision ID: 0016
Revises: 0015

The people an account may read were found by one OR over the user, the guardians and the
consent grants, which read every care record: 116 ms at 100,000 records (bench/list_walk.py,
ADR 0061). Each part now walks an index; this is the guardians' one.
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_care_persons_guardians",
        "care_persons",
        ["guardians"],
        postgresql_using="gin",
        postgresql_ops={"guardians": "jsonb_path_ops"},
    )


def downgrade() -> None:
    op.drop_index("ix_care_persons_guardians", table_name="care_persons")
