# ruff: noqa: E501 - message texts, one per line
"""template of care's CAP exercise alerts to the community's staff (care.warning.exercise)

Revision ID: 0010
Revises: 0009

Copied from ``care.domain.templates`` (zh-CN and en) like 0003's; care's tests check this
copy is the same. An admin who already made a template with this code keeps theirs.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import insert

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

CARE_TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "care.warning.exercise": {
        "zh-CN": (
            "【演练】{title_zh}",
            "这是一次预警演练，只通知社区工作人员，没有推送给老人。如为真实预警，本社区将有{count}位老人收到：{body_zh}",
        ),
        "en": (
            "[Exercise] {title_en}",
            "This is an exercise: only the community's staff are told, not the elderly. As a real alert it would reach these elderly residents here: {count}. It says: {body_en}",
        ),
    },
}

_template = sa.table(
    "template",
    sa.column("code", sa.String),
    sa.column("locale", sa.String),
    sa.column("title", sa.Text),
    sa.column("body", sa.Text),
    sa.column("updated_by", sa.String),
)


def upgrade() -> None:
    rows = [
        {"code": code, "locale": locale, "title": title, "body": body, "updated_by": "migration"}
        for code, by_locale in CARE_TEMPLATES.items()
        for locale, (title, body) in by_locale.items()
    ]
    op.execute(insert(_template).values(rows).on_conflict_do_nothing())


def downgrade() -> None:
    op.execute(
        _template.delete().where(
            _template.c.code.in_(list(CARE_TEMPLATES)), _template.c.updated_by == "migration"
        )
    )
