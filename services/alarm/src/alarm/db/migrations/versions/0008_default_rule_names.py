"""the platform's default rules read in zh-CN, with their English names beside

Revision ID: 0008
Revises: 0007

Emergency buttons and wearables raised alarms titled "Emergency button pressed": every
zh-CN reader (an elder's family first) read English. A default rule still as 0002 seeded
it (its English name) is renamed; a rule a platform admin renamed is left as it is.
"""

import json
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# rule id (0002's uuid5 of "default:<device type>:<key>"), zh-CN, en (0002's name)
NAMES = [
    ("default:emergency_button:pressed", "紧急按钮被按下", "Emergency button pressed"),
    ("default:wearable:fallDetected", "可穿戴设备检测到跌倒", "Fall detected by a wearable"),
    ("default:wearable:sos", "可穿戴设备发出SOS求助", "SOS from a wearable"),
]


def _id(key: str) -> str:
    return str(uuid.uuid5(uuid.UUID("6f1d3f5e-3c1b-4c61-9a57-0a1a2a3a4a5a"), key))


def upgrade() -> None:
    for key, zh, en in NAMES:
        op.get_bind().execute(
            sa.text(
                "UPDATE alarm_rules SET name = :zh,"
                " spec = spec || CAST(:named AS jsonb)"
                " WHERE id = CAST(:id AS uuid) AND name = :en"
            ),
            {
                "id": _id(key),
                "zh": zh,
                "en": en,
                "named": json.dumps({"title": zh, "title_en": en, "name_en": en}),
            },
        )


def downgrade() -> None:
    for key, zh, en in NAMES:
        op.get_bind().execute(
            sa.text(
                "UPDATE alarm_rules SET name = :en,"
                " spec = (spec - 'title_en' - 'name_en') || CAST(:title AS jsonb)"
                " WHERE id = CAST(:id AS uuid) AND name = :zh"
            ),
            {"id": _id(key), "zh": zh, "en": en, "title": json.dumps({"title": en})},
        )
