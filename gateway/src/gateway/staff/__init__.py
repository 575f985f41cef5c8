"""Staff users of the console: password (argon2), TOTP, lockout (Art. 32: identity authentication
and access control for the people who run and supervise the platform)."""
