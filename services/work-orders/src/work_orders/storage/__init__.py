"""Object storage for attachments: the platform's one mechanism (:mod:`sc_core.storage`),
a local directory or S3, built from work-orders' settings."""

from __future__ import annotations

from sc_core.storage import ObjectStore, object_store

__all__ = ["ObjectStore", "object_store"]
