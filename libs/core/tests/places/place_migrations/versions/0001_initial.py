"""initial: the platform tables and the place directory

Revision ID: 0001
Revises:
"""

from sc_core.db.platform_migrations import create_platform_tables_v1
from sc_core.places import create_place_tables_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_platform_tables_v1()
    create_place_tables_v1(grants=True)


def downgrade() -> None:
    raise NotImplementedError
