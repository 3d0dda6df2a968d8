"""OpenID Connect provider: Authlib's authorization server over identity's accounts, keys
and refresh chains (ADR 0022), and the hosted login page."""
