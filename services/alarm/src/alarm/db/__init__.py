"""alarm's tables and migrations."""
