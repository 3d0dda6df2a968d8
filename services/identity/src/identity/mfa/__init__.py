"""Two-factor authentication: TOTP (RFC 6238) and recovery codes; who must have one."""
