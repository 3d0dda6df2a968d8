"""Alarm service."""
