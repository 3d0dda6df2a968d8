"""audit store: records partitioned by month, chain heads, append-only guards

Revision ID: 0001
Revises:

What autogenerate cannot see, and ``model_drift`` therefore does not compare, is written
here by hand: the partitions' schema, the two partition functions, the append-only
trigger and the revoked privileges. The partitions themselves are created at run time by
``audit_ensure_partition`` (the service calls it ahead of time and on demand).
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from sc_core.db.platform_migrations import create_platform_tables_v1, drop_platform_tables_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


REFUSE_CHANGE = """
CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit records are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
    RETURN NULL;
END
$$
"""

# SECURITY DEFINER: runs as the owner, so a runtime role that does not own the table can
# add partitions (and only that). Search path and time zone are pinned. Adding or dropping
# a partition locks the whole table: after 5 s waiting behind a long reader it gives up
# (and is retried) rather than queue every insert behind it.
ENSURE_PARTITION = """
CREATE FUNCTION audit_ensure_partition(p_month date) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public SET timezone = 'UTC'
    SET lock_timeout = '5s'
AS $$
DECLARE
    v_start date := date_trunc('month', p_month)::date;
    v_end date := (date_trunc('month', p_month) + interval '1 month')::date;
    v_name text := format('audit_record_y%sm%s', to_char(v_start, 'YYYY'), to_char(v_start, 'MM'));
    v_qualified text := format('audit_partitions.%I', v_name);
BEGIN
    IF to_regclass(v_qualified) IS NOT NULL THEN
        RETURN v_name;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('audit_record.partitions'));
    IF to_regclass(v_qualified) IS NULL THEN
        EXECUTE format(
            'CREATE TABLE %s PARTITION OF public.audit_record FOR VALUES FROM (%L) TO (%L)',
            v_qualified, v_start::timestamptz, v_end::timestamptz);
        EXECUTE format('REVOKE ALL ON %s FROM PUBLIC', v_qualified);
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %s FROM CURRENT_USER', v_qualified);
        EXECUTE format('CREATE TRIGGER audit_record_no_truncate BEFORE TRUNCATE ON %s '
                       'FOR EACH STATEMENT EXECUTE FUNCTION public.audit_refuse_change()',
                       v_qualified);
    END IF;
    RETURN v_name;
END
$$
"""

# Drops the partitions lying entirely before today - p_retention_days (UTC), and their
# chain heads; refuses fewer than 365 days whoever calls it. Only partitions it would
# have created itself (name and bounds agree) are considered.
DROP_EXPIRED = """
CREATE FUNCTION audit_drop_expired_partitions(p_retention_days integer,
                                              p_dry_run boolean DEFAULT false)
RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public SET timezone = 'UTC'
    SET lock_timeout = '5s'
AS $$
DECLARE
    v_cutoff date;
    v_rel record;
    v_start date;
    v_end date;
BEGIN
    IF p_retention_days IS NULL OR p_retention_days < 365 THEN
        RAISE EXCEPTION 'audit retention must be at least 365 days, not %', p_retention_days
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_cutoff := (now() AT TIME ZONE 'UTC')::date - p_retention_days;
    PERFORM pg_advisory_xact_lock(hashtext('audit_record.partitions'));
    FOR v_rel IN
        SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound
        FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE i.inhparent = 'public.audit_record'::regclass
          AND n.nspname = 'audit_partitions'
          AND c.relname ~ '^audit_record_y[0-9]{4}m[0-9]{2}$'
        ORDER BY c.relname
    LOOP
        v_start := to_date(substr(v_rel.relname, 15, 4) || substr(v_rel.relname, 20, 2), 'YYYYMM');
        v_end := (v_start + interval '1 month')::date;
        CONTINUE WHEN v_rel.bound IS DISTINCT FROM format(
            'FOR VALUES FROM (%L) TO (%L)', v_start::timestamptz, v_end::timestamptz);
        CONTINUE WHEN v_end > v_cutoff;
        IF NOT p_dry_run THEN
            EXECUTE format('DROP TABLE audit_partitions.%I', v_rel.relname);
            DELETE FROM public.audit_chain_head WHERE day >= v_start AND day < v_end;
        END IF;
        RETURN NEXT v_rel.relname;
    END LOOP;
END
$$
"""

GUARDS = [
    "CREATE SCHEMA audit_partitions",
    "REVOKE ALL ON SCHEMA audit_partitions FROM PUBLIC",
    REFUSE_CHANGE,
    "CREATE TRIGGER audit_record_append_only BEFORE UPDATE OR DELETE ON audit_record "
    "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()",
    "CREATE TRIGGER audit_record_no_truncate BEFORE TRUNCATE ON audit_record "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()",
    # Nobody, the owner included, holds UPDATE, DELETE or TRUNCATE on the records. (An
    # owner could grant them back, or disable the trigger: the service must run as a
    # role that does not own the table; see services/audit/README.md.)
    "REVOKE UPDATE, DELETE, TRUNCATE ON audit_record FROM PUBLIC",
    "REVOKE UPDATE, DELETE, TRUNCATE ON audit_record FROM CURRENT_USER",
    ENSURE_PARTITION,
    DROP_EXPIRED,
    "REVOKE ALL ON FUNCTION audit_ensure_partition(date) FROM PUBLIC",
    "REVOKE ALL ON FUNCTION audit_drop_expired_partitions(integer, boolean) FROM PUBLIC",
]


def upgrade() -> None:
    op.create_table(
        "audit_chain_head",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_audit_chain_head")),
    )
    op.create_table(
        "audit_record",
        sa.Column("record_id", sa.UUID(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("service", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Text(), nullable=True),
        sa.Column("actor_type", sa.String(length=16), nullable=False),
        sa.Column("actor_roles", sa.ARRAY(sa.Text()), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("resource_type", sa.Text(), nullable=False),
        sa.Column("resource_id", sa.Text(), nullable=True),
        sa.Column("community_id", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("source_ip", sa.Text(), nullable=True),
        sa.Column("trace_id", sa.Text(), nullable=True),
        sa.Column("request_id", sa.Text(), nullable=True),
        sa.Column("detail", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("chain_day", sa.Date(), nullable=False),
        sa.Column("chain_pos", sa.Integer(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("record_id", "occurred_at", name=op.f("pk_audit_record")),
        postgresql_partition_by="RANGE (occurred_at)",
    )
    op.create_index(
        "ix_audit_record_action", "audit_record", ["action", "occurred_at"], unique=False
    )
    op.create_index(
        "ix_audit_record_actor", "audit_record", ["actor_id", "occurred_at"], unique=False
    )
    op.create_index(
        "ix_audit_record_chain", "audit_record", ["chain_day", "chain_pos"], unique=False
    )
    op.create_index(
        "ix_audit_record_community", "audit_record", ["community_id", "occurred_at"], unique=False
    )
    op.create_index("ix_audit_record_occurred_at", "audit_record", ["occurred_at"], unique=False)
    op.create_index(
        "ix_audit_record_resource", "audit_record", ["resource_type", "resource_id"], unique=False
    )
    create_platform_tables_v1()
    for statement in GUARDS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP FUNCTION audit_drop_expired_partitions(integer, boolean)")
    op.execute("DROP FUNCTION audit_ensure_partition(date)")
    drop_platform_tables_v1()
    op.drop_index("ix_audit_record_resource", table_name="audit_record")
    op.drop_index("ix_audit_record_occurred_at", table_name="audit_record")
    op.drop_index("ix_audit_record_community", table_name="audit_record")
    op.drop_index("ix_audit_record_chain", table_name="audit_record")
    op.drop_index("ix_audit_record_actor", table_name="audit_record")
    op.drop_index("ix_audit_record_action", table_name="audit_record")
    op.drop_table("audit_record")
    op.drop_table("audit_chain_head")
    op.execute("DROP FUNCTION audit_refuse_change()")
    op.execute("DROP SCHEMA audit_partitions CASCADE")
