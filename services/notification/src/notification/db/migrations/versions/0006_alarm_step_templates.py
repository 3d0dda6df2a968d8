"""templates of an alarm's steps for whom its plan told: acknowledged, assigned

Revision ID: 0006
Revises: 0005

The texts are ``notification.domain.templates.SEED``'s as they were when this was written.
An admin who already made a template with one of these codes keeps theirs.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import insert

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "alarm.acknowledged": {
        "zh-CN": ("【告警已确认】{title}", "{place}的告警已有人确认，正在处置：{title}。"),
        "en": (
            "[Alarm acknowledged] {title}",
            "Someone has acknowledged the alarm at {place} and is handling it: {title}.",
        ),
    },
    "alarm.assigned": {
        "zh-CN": ("【告警已派人处置】{title}", "{place}的告警已指派专人处置：{title}。"),
        "en": (
            "[Alarm assigned] {title}",
            "The alarm at {place} was given to someone to handle: {title}.",
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
        for code, by_locale in TEMPLATES.items()
        for locale, (title, body) in by_locale.items()
    ]
    op.execute(insert(_template).values(rows).on_conflict_do_nothing())


def downgrade() -> None:
    op.execute(
        _template.delete().where(
            _template.c.code.in_(list(TEMPLATES)), _template.c.updated_by == "migration"
        )
    )
