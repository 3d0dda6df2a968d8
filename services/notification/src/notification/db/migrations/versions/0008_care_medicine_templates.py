"""templates of care's medicine home delivery (care.medicine.*)

Revision ID: 0008
Revises: 0007

Copied from ``care.domain.templates`` (zh-CN and en) like 0003's; care's tests check this
copy is the same. An admin who already made a template with one of these codes keeps theirs.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import insert

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

CARE_TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "care.medicine.accepted": {
        "zh-CN": (
            "送药申请已受理",
            "{person}的送药申请（{count}种）已由社区卫生服务站受理，将尽快安排配送。",
        ),
        "en": (
            "Medicine delivery accepted",
            "The health station accepted {person}'s medicine delivery ({count_en}); it comes soon.",
        ),
    },
    "care.medicine.out_for_delivery": {
        "zh-CN": ("药品正在配送", "{person}的药品（{count}种）已于{time_zh}出发配送，请留意接收。"),
        "en": (
            "Medicines on their way",
            "{person}'s medicines ({count_en}) left at {time_en}; please be ready for them.",
        ),
    },
    "care.medicine.delivered": {
        "zh-CN": ("药品已送达", "{person}的药品（{count}种）已于{time_zh}送达。"),
        "en": (
            "Medicines delivered",
            "{person}'s medicines ({count_en}) were delivered at {time_en}.",
        ),
    },
    "care.medicine.cancelled": {
        "zh-CN": ("送药申请已取消", "{person}的送药申请（{count}种）已于{time_zh}取消。"),
        "en": (
            "Medicine delivery cancelled",
            "The medicine delivery for {person} ({count_en}) was cancelled at {time_en}.",
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
