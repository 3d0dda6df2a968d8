"""The tables of a sample service: its own plus the platform's outbox and inbox."""

from sqlalchemy import Column, Integer, String, Table

from sc_core.db import platform_tables
from sc_core.db.tables import new_metadata

metadata = new_metadata()
platform_tables(metadata)
notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("text", String(200), nullable=False),
)
