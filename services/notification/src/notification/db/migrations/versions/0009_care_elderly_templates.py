# ruff: noqa: E501 - message texts, one per line
"""templates of care's elderly services: mutual aid and value-added services (care.help.*,
care.service.*)

Revision ID: 0009
Revises: 0008

Copied from ``care.domain.templates`` (zh-CN and en) like 0003's; care's tests check this
copy is the same. An admin who already made a template with one of these codes keeps theirs.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import insert

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

CARE_TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "care.help.asked": {
        "zh-CN": (
            "邻居需要帮助：{what}",
            "{building}有位老人需要帮助：{what}，时间{time_zh}。愿意帮忙的话，请在“邻里互助”中接单。",
        ),
        "en": (
            "A neighbour needs help: {what_en}",
            "An elder in {building_en} needs help: {what_en}, {time_en}. Take it under Neighbours helping neighbours if you can.",
        ),
    },
    "care.help.released": {
        "zh-CN": (
            "接单人无法前来",
            "{helper}无法前来帮忙，您的求助“{what}”已重新开放，等待其他邻居接单。",
        ),
        "en": (
            "Your helper cannot come",
            '{helper} cannot come after all; your request "{what}" is open again for other neighbours.',
        ),
    },
    "care.help.cancelled": {
        "zh-CN": ("求助已取消", "{person}在{time_zh}的求助“{what}”已取消，不用前往了。谢谢您！"),
        "en": (
            "Request cancelled",
            '{person}\'s request "{what}" for {time_en} was cancelled; no need to go. Thank you!',
        ),
    },
    "care.help.thanked": {
        "zh-CN": (
            "{person}感谢您的帮助",
            "{person}确认了您的帮助“{what}”，评分{rating}分。{thanks}",
        ),
        "en": (
            "{person} thanks you",
            '{person} confirmed your help with "{what}" and rated it {rating} of 5. {thanks}',
        ),
    },
    "care.help.expired": {
        "zh-CN": (
            "求助已过期",
            "您在{time_zh}的求助“{what}”暂时没有邻居接单，已过期。如仍需要，可以再次发布或联系社区。",
        ),
        "en": (
            "Request expired",
            'Nobody could take the request "{what}" for {time_en}, so it has expired. Ask again, or call the community if you still need help.',
        ),
    },
    "care.service.booked": {
        "zh-CN": (
            "新的服务预约：{service}",
            "{person}预约了{provider}的“{service}”，时间{time_zh}，请确认。",
        ),
        "en": (
            "New booking: {service}",
            '{person} booked "{service}" from {provider} for {time_en}; please confirm it.',
        ),
    },
    "care.service.confirmed": {
        "zh-CN": ("服务预约已确认", "{provider}已确认{person}的“{service}”，时间{time_zh}。"),
        "en": ("Booking confirmed", '{provider} confirmed "{service}" for {person} at {time_en}.'),
    },
    "care.service.done": {
        "zh-CN": (
            "服务已完成，欢迎评价",
            "{person}的“{service}”（{provider}）已完成，欢迎在“增值服务”中评价。",
        ),
        "en": (
            "Service done: please rate it",
            '"{service}" for {person} ({provider}) is done; you can rate it under Services.',
        ),
    },
    "care.service.cancelled": {
        "zh-CN": ("服务预约已取消", "{person}在{time_zh}的“{service}”（{provider}）已取消。"),
        "en": (
            "Booking cancelled",
            '"{service}" for {person} at {time_en} ({provider}) was cancelled.',
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
