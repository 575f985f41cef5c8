"""Passwords (argon2id, RFC 9106) and TOTP codes (RFC 6238) of staff users.

argon2 is deliberately slow and memory-hard: hash and verify run in a worker thread, never on the
event loop that proxies everyone's calls.
"""

from __future__ import annotations

import functools
import hmac
import secrets
from datetime import datetime

import anyio.to_thread
import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

#: The issuer name an authenticator app shows beside the account.
TOTP_ISSUER = "长宁区公共数据平台"
#: One step either side of now: a phone's clock a little off still signs in.
TOTP_WINDOW = 1

#: argon2id with OWASP's minimum (19 MiB, 2 passes, 1 lane): tens of milliseconds on one core,
#: so a burst of sign-ins cannot take the gateway's two cores away from the traffic it proxies.
#: Hashes carry their parameters: raising them rehashes each password at its next sign-in.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@functools.cache
def _unusable_hash() -> str:
    """Checked for unknown usernames, so they cost what a wrong password costs."""
    return _hasher.hash(secrets.token_urlsafe(32))


def new_password() -> str:
    """An initial password: 96 random bits, easy to type (no character needs escaping)."""
    return secrets.token_urlsafe(12)


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(_hasher.hash, password)


async def verify_password(stored: str | None, presented: str) -> bool:
    """Constant work whether or not the user exists (``stored`` is ``None`` when unknown)."""

    def check() -> bool:
        try:
            return _hasher.verify(stored or _unusable_hash(), presented) and stored is not None
        except (VerificationError, InvalidHashError):
            return False

    return await anyio.to_thread.run_sync(check)


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)


def new_totp_secret() -> str:
    return pyotp.random_base32()


def otpauth_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=TOTP_ISSUER)


def qr_code(uri: str) -> str:
    """The enrolment QR code as an SVG data URI, drawn here: no image service is called."""
    import segno

    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


def matching_step(secret: str, code: str, *, now: datetime, after: int | None) -> int | None:
    """The time step whose code ``code`` is, within the window around ``now``; ``None`` when
    none matches or the step is not later than ``after`` (the last step used: a replay)."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    found = None
    for step in range(current - TOTP_WINDOW, current + TOTP_WINDOW + 1):
        # Every step is compared, so the timing says nothing about which one matched.
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step
    if found is None or (after is not None and found <= after):
        return None
    return found
