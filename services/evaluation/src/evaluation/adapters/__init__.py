"""Adapters of the evaluation service (the report PDF)."""
