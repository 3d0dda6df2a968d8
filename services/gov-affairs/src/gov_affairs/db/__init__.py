"""Persistence of gov-affairs."""
