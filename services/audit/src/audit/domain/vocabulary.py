"""Actions and outcomes the store gives a meaning to (summary, its own records)."""

from __future__ import annotations

READER_ROLES = ("auditor", "platform_admin")

# The consumer of audit.records.v1 (its inbox rows carry this name).
CONSUMER_NAME = "records"

# A login that did not succeed: action auth.login with one of these outcomes.
LOGIN_ACTION = "auth.login"
FAILED_OUTCOMES = ("failure", "denied")

# A read of sensitive data: an action whose last segment is one of these verbs
# (person.read_sensitive, resident.reveal ...). Services name their actions so.
SENSITIVE_READ_VERBS = ("read_sensitive", "reveal")

# What the store itself records.
EXPORT_ACTION = "audit_record.export"
SEARCH_ACTION = "audit_record.read_sensitive"  # every search of the trail
DENIED_READ_ACTION = "audit_record.read"
RESOURCE_TYPE = "audit_record"
