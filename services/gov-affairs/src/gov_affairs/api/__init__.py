"""HTTP routes of gov-affairs, one router per resource."""
