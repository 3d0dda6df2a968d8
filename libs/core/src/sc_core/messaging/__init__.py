"""Sending messages to people outside the platform (SMS today): the providers' protocols,
written once for every service that sends (notification's SMS channel, identity's
one-time codes)."""
