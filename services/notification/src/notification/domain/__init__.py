"""Pure logic of the notification service: templates, quiet hours, backoff, SSE framing."""
