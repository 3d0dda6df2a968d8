-- Privileges of the audit store's runtime role (here audit_app), for a DBA.
--
-- The owner role runs `python -m audit migrate` (Helm hook / compose migrate-audit) and
-- owns every table, the partitions and the two partition functions. The service itself
-- runs as a separate role that owns nothing, so it can neither change nor delete a
-- record, disable the append-only trigger, grant itself back what the migration revoked,
-- nor drop a partition other than through audit_drop_expired_partitions (which refuses
-- fewer than 365 days). Run as the owner in the audit database, after
--   CREATE ROLE audit_app LOGIN PASSWORD '...';
-- and point the service's DATABASE_URL at audit_app (the migrate job keeps the owner).

GRANT USAGE ON SCHEMA public TO audit_app;
-- the records: read and append, nothing else (UPDATE, DELETE, TRUNCATE never granted)
GRANT SELECT, INSERT ON audit_record TO audit_app;
-- the day chain heads: created and advanced with every append
GRANT SELECT, INSERT, UPDATE ON audit_chain_head TO audit_app;
-- the platform's outbox (relay marks rows sent, prunes sent rows) and inbox (pruned)
GRANT SELECT, INSERT, UPDATE, DELETE ON event_outbox TO audit_app;
GRANT SELECT, INSERT, DELETE ON event_inbox TO audit_app;
-- partitions ahead and retention, run with the owner's rights by these functions only
GRANT EXECUTE ON FUNCTION audit_ensure_partition(date) TO audit_app;
GRANT EXECUTE ON FUNCTION audit_drop_expired_partitions(integer, boolean) TO audit_app;
