"""HTTP API of the audit store: search, export, verification, summary (auditors and
platform admins only)."""
