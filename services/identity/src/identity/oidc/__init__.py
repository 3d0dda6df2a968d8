"""OpenID Connect provider: Authlib's authorization server over identity's accounts, keys
and refresh chains (ADR 0023), and the hosted login page."""
