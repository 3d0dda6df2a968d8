"""organisations and enterprises (6.5.1 c-d) corrected by the office (issue 24): a contact
person's name and mobile (encrypted), when and by whom the record was last changed; the
reply staff wrote on a complaint's case, which the resident who complained reads

Revision ID: 0027
Revises: 0026
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("organisations", sa.Column("contact_name", sa.Text(), nullable=True))
    op.add_column("organisations", sa.Column("contact_phone", sa.Text(), nullable=True))
    op.add_column(
        "organisations", sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("organisations", sa.Column("updated_by", sa.String(64), nullable=True))
    op.add_column(
        "organisation_complaints", sa.Column("reply_text", sa.String(4000), nullable=True)
    )
    op.add_column(
        "organisation_complaints",
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("organisation_complaints", "replied_at")
    op.drop_column("organisation_complaints", "reply_text")
    op.drop_column("organisations", "updated_by")
    op.drop_column("organisations", "updated_at")
    op.drop_column("organisations", "contact_phone")
    op.drop_column("organisations", "contact_name")
