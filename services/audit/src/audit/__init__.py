"""The audit store: every audit record of the platform, once, append-only, hash-chained."""
