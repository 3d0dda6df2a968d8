"""A service whose database holds the place directory (with grants and names) beside the
outbox."""

from sc_core.db import platform_tables
from sc_core.db.tables import new_metadata
from sc_core.places import place_tables

metadata = new_metadata()
platform_tables(metadata)
PLACES = place_tables(metadata, grants=True, names=True)
