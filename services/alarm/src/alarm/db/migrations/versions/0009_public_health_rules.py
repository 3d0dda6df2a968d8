"""default rules: an edge AI camera's no-mask and fever detections raise alarms

Revision ID: 0009
Revises: 0008

Public health (6.1.1 d, issue 32 item 10): care records these detections against the
camera's place and time and counts them; the alarm is raised here, by rules like any
other (platform-wide, so every community has them; a platform admin may change or retire
them). Named in zh-CN with English beside, as 0008 names the others.
"""

import json
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

NS = uuid.UUID("6f1d3f5e-3c1b-4c61-9a57-0a1a2a3a4a5a")  # 0002's
# (device type, key, condition, alarm type, severity, zh-CN, en)
RULES = [
    ("edge_ai_camera", "noMask", {"key": "noMask", "op": "equals", "value": True},
     "no_mask", "warning", "检测到未佩戴口罩", "No mask detected"),
    ("edge_ai_camera", "bodyTemperature",
     {"key": "bodyTemperature", "op": "between", "low": 37.3, "high": 45},
     "fever", "major", "检测到体温异常（发热）", "Fever detected"),
]  # fmt: skip


def rule_id(device_type: str, key: str) -> uuid.UUID:
    return uuid.uuid5(NS, f"default:{device_type}:{key}")


COLUMNS = [
    "id", "created_at", "community_id", "name", "alarm_type", "severity", "kind",
    "device_type", "device_id", "building_id", "unit_id", "room_id", "spec", "schedule",
    "actions", "work_order_type", "auto_clear", "enabled", "version", "created_by",
    "updated_by", "updated_at", "deleted_at",
]  # fmt: skip


def upgrade() -> None:
    rules = sa.table("alarm_rules", *(sa.column(c) for c in COLUMNS))
    versions = sa.table(
        "alarm_rule_versions",
        *(sa.column(c) for c in ["rule_id", "version", "snapshot", "changed_by", "changed_at"]),
    )
    now = datetime.now(UTC)
    for device_type, key, condition, alarm_type, severity, zh, en in RULES:
        rid = rule_id(device_type, key)
        spec = {"conditions": [condition], "title": zh, "title_en": en, "name_en": en}
        values = {
            "id": rid, "created_at": now, "community_id": None, "name": zh,
            "alarm_type": alarm_type, "severity": severity, "kind": "threshold",
            "device_type": device_type, "device_id": None, "building_id": None,
            "unit_id": None, "room_id": None, "spec": spec, "schedule": None,
            "actions": ["notify"], "work_order_type": None, "auto_clear": False,
            "enabled": True, "version": 1, "created_by": "migration",
            "updated_by": "migration", "updated_at": now, "deleted_at": None,
        }  # fmt: skip
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
    ids = [rule_id(t, k) for t, k, *_ in RULES]
    versions = sa.table("alarm_rule_versions", sa.column("rule_id"))
    rules = sa.table("alarm_rules", sa.column("id"))
    op.execute(versions.delete().where(versions.c.rule_id.in_(ids)))
    op.execute(rules.delete().where(rules.c.id.in_(ids)))
