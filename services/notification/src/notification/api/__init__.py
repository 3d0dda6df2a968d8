"""HTTP API of the notification service (one router per resource)."""
