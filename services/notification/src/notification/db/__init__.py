"""Tables and migrations of the notification service."""
