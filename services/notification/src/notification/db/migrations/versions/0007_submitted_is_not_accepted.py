"""a work order's creation notice says it is submitted, not accepted (已受理) (issue 18)

Revision ID: 0007
Revises: 0006

Rows an admin has edited since are left as they are.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# locale: ((old title, old body), (new title, new body))
CHANGES = {
    "zh-CN": (
        (
            "工单已受理：{number} {title}",
            "工单 {number}（{case_type}）已受理，当前状态：{status}。",
        ),
        (
            "工单已提交：{number} {title}",
            "工单 {number}（{case_type}）已提交，当前状态：{status}。",
        ),
    ),
    "en": (
        (
            "Work order was created: {number} {title}",
            "Work order {number} ({case_type}) was created; status: {status}.",
        ),
        (
            "Work order was submitted: {number} {title}",
            "Work order {number} ({case_type}) was submitted; status: {status}.",
        ),
    ),
}


def _swap(index_from: int, index_to: int) -> None:
    template = sa.table(
        "template", sa.column("code"), sa.column("locale"), sa.column("title"), sa.column("body")
    )
    for locale, pair in CHANGES.items():
        (old_title, old_body), (new_title, new_body) = pair[index_from], pair[index_to]
        op.execute(
            template.update()
            .where(
                template.c.code == "workorder.created",
                template.c.locale == locale,
                template.c.title == old_title,
                template.c.body == old_body,
            )
            .values(title=new_title, body=new_body)
        )


def upgrade() -> None:
    _swap(0, 1)


def downgrade() -> None:
    _swap(1, 0)
