"""persons in their list's order; a community's accounts counted from the grants (ADR 0066)

Revision ID: 0014
Revises: 0013

``GET /api/v1/persons`` orders the persons in scope by ``created_at, id``: with no index
on that order a platform-wide page read every person and every residency (a hash semi join
and a top-N sort, 293 ms at 100,000 persons with the seeded district repaired, load 30);
through ``(created_at, id)`` the page walks the index and probes each person's residencies,
0.37 ms. A community admin's ``GET /api/v1/accounts`` counts the accounts holding a grant in
their communities: ``(community_id, account_id)`` (in place of the index on
``community_id`` alone, its prefix) answers that count from the index, 16 buffers, and the
page's probe of each account's grants in the community. A person's current residencies
(shown in every person read) through a partial index on ``person_id``: 6.1 ms for one of
20,001 residencies (20,000 past) by the person index and a filter, 0.05 ms through it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_persons_created", "persons", ["created_at", "id"])
    op.create_index("ix_grants_community_account", "grants", ["community_id", "account_id"])
    op.drop_index("ix_grants_community_id", table_name="grants")
    op.create_index(
        "ix_residencies_person_current",
        "residencies",
        ["person_id"],
        postgresql_where=sa.text("moved_out_on IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_residencies_person_current", table_name="residencies")
    op.create_index("ix_grants_community_id", "grants", ["community_id"])
    op.drop_index("ix_grants_community_account", table_name="grants")
    op.drop_index("ix_persons_created", table_name="persons")
