"""default rules: emergency buttons and wearable falls / SOS raise critical alarms at once

Revision ID: 0002
Revises: 0001

Platform-wide (no community), so every community has them from the start; a platform
admin may change or retire them through the API like any rule (versions are kept).
"""

import json
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

NS = uuid.UUID("6f1d3f5e-3c1b-4c61-9a57-0a1a2a3a4a5a")
DEFAULTS = [
    ("emergency_button", "pressed", "emergency", "Emergency button pressed"),
    ("wearable", "fallDetected", "fall", "Fall detected by a wearable"),
    ("wearable", "sos", "sos", "SOS from a wearable"),
]


def rule_id(device_type: str, key: str) -> uuid.UUID:
    return uuid.uuid5(NS, f"default:{device_type}:{key}")


def upgrade() -> None:
    rules = sa.table(
        "alarm_rules",
        *(
            sa.column(c)
            for c in [
                "id",
                "created_at",
                "community_id",
                "name",
                "alarm_type",
                "severity",
                "kind",
                "device_type",
                "device_id",
                "building_id",
                "unit_id",
                "room_id",
                "spec",
                "schedule",
                "actions",
                "work_order_type",
                "auto_clear",
                "enabled",
                "version",
                "created_by",
                "updated_by",
                "updated_at",
                "deleted_at",
            ]
        ),
    )
    versions = sa.table(
        "alarm_rule_versions",
        *(sa.column(c) for c in ["rule_id", "version", "snapshot", "changed_by", "changed_at"]),
    )
    now = datetime.now(UTC)
    for device_type, key, alarm_type, name in DEFAULTS:
        rid = rule_id(device_type, key)
        spec = {"conditions": [{"key": key, "op": "equals", "value": True}], "title": name}
        actions = ["notify", "open_work_order"]
        values = {
            "id": rid,
            "created_at": now,
            "community_id": None,
            "name": name,
            "alarm_type": alarm_type,
            "severity": "critical",
            "kind": "threshold",
            "device_type": device_type,
            "device_id": None,
            "building_id": None,
            "unit_id": None,
            "room_id": None,
            "spec": spec,
            "schedule": None,
            "actions": actions,
            "work_order_type": "alarm_dispatch",
            "auto_clear": False,
            "enabled": True,
            "version": 1,
            "created_by": "migration",
            "updated_by": "migration",
            "updated_at": now,
            "deleted_at": None,
        }
        op.execute(
            rules.insert().values(
                **{k: (json.dumps(v) if k in ("spec", "actions") else v) for k, v in values.items()}
            )
        )
        snapshot = {k: v for k, v in values.items() if k not in ("created_at", "updated_at")}
        snapshot["id"] = str(rid)
        op.execute(
            versions.insert().values(
                rule_id=rid,
                version=1,
                snapshot=json.dumps(snapshot),
                changed_by="migration",
                changed_at=now,
            )
        )


def downgrade() -> None:
    ids = [rule_id(t, k) for t, k, _, _ in DEFAULTS]
    versions = sa.table("alarm_rule_versions", sa.column("rule_id"))
    rules = sa.table("alarm_rules", sa.column("id"))
    op.execute(versions.delete().where(versions.c.rule_id.in_(ids)))
    op.execute(rules.delete().where(rules.c.id.in_(ids)))
