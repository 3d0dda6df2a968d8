"""Shared mechanisms for every smart-community service (see DESIGN.md)."""
