"""one-time SMS codes, the development SMS sink, WeChat mini-program identities (ADR 0034)

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sms_codes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("phone_idx", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("code_digest", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent", sa.Boolean(), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_codes")),
    )
    op.create_index("ix_sms_codes_phone", "sms_codes", ["phone_idx", "created_at"])
    op.create_index("ix_sms_codes_address", "sms_codes", ["address", "created_at"])
    op.create_table(
        "sms_sink",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("phone_idx", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_sink")),
    )
    op.create_index(op.f("ix_sms_sink_phone_idx"), "sms_sink", ["phone_idx"])
    op.create_index(op.f("ix_sms_sink_created_at"), "sms_sink", ["created_at"])
    op.create_table(
        "wechat_identities",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("appid", sa.String(length=64), nullable=False),
        sa.Column("openid", sa.String(length=128), nullable=False),
        sa.Column("unionid", sa.String(length=128), nullable=True),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_wechat_identities_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wechat_identities")),
        sa.UniqueConstraint("openid", name=op.f("uq_wechat_identities_openid")),
    )
    op.create_index(op.f("ix_wechat_identities_unionid"), "wechat_identities", ["unionid"])
    op.create_index(op.f("ix_wechat_identities_account_id"), "wechat_identities", ["account_id"])


def downgrade() -> None:
    op.drop_table("wechat_identities")
    op.drop_table("sms_sink")
    op.drop_table("sms_codes")
