"""a grant keeps its account's username: a community admin's accounts in order (ADR 0075)

Revision ID: 0016
Revises: 0015

``GET /api/v1/accounts`` as a community admin walked every account in username order and
probed each for a grant in the admin's communities: on the seeded district (100,011
accounts, ten communities of ~8,800) a page read 6,451 accounts to find 60, 76 ms of
PostgreSQL. A username never changes once given, so a grant holds its account's
(``account_username``), and ``(community_id, account_username, account_id)`` gives a
community's accounts in the list's order from the index alone: 0.8 ms for the same page.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("grants", sa.Column("account_username", sa.String(64), nullable=True))
    op.execute(
        "UPDATE grants SET account_username = accounts.username "
        "FROM accounts WHERE accounts.id = grants.account_id"
    )
    op.alter_column("grants", "account_username", nullable=False)
    op.create_index(
        "ix_grants_community_listed",
        "grants",
        ["community_id", "account_username", "account_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_grants_community_listed", table_name="grants")
    op.drop_column("grants", "account_username")
