"""Client secrets: generated, stored as scrypt hashes, verified in constant time.

scrypt costs ~16 MiB and tens of milliseconds per check by design, so a stolen table is slow to
attack; :class:`VerifiedSecrets` remembers successful checks for a short while so a client that
fetches a token per minute does not keep a CPU busy. Hashing and checking are synchronous: call
them from a worker thread, never on the event loop.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time

_N, _R, _P, _LENGTH = 2**14, 8, 1, 32
_MAXMEM = 64 * 1024 * 1024
_SCHEME = "scrypt"


def new_client_id() -> str:
    return secrets.token_hex(12)


def new_client_secret() -> str:
    """256 random bits, URL-safe (no character needs escaping in HTTP Basic or a form)."""
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """``scrypt$n$r$p$salt$hash``: the parameters travel with the hash, so they can be raised."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        secret.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=_LENGTH, maxmem=_MAXMEM
    )
    return "$".join((_SCHEME, str(_N), str(_R), str(_P), _b64(salt), _b64(digest)))


def verify_secret(stored: str, presented: str) -> bool:
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != _SCHEME:
            return False
        digest = hashlib.scrypt(
            presented.encode(),
            salt=_unb64(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(_unb64(expected)),
            maxmem=_MAXMEM,
        )
    except ValueError:
        return False
    return hmac.compare_digest(digest, _unb64(expected))


#: A hash no secret matches, checked for unknown clients so they cost what a wrong secret costs.
UNUSABLE_HASH = "$".join((_SCHEME, str(_N), str(_R), str(_P), "A" * 22, "A" * 43))


class VerifiedSecrets:
    """Recently verified (stored hash, presented secret) pairs, for ``ttl_seconds``.

    Keys are HMACs under a per-process random key, so the cache never holds a secret in clear and
    a rotated secret (a new stored hash) misses at once.
    """

    def __init__(self, *, ttl_seconds: float = 300.0, max_entries: int = 10_000) -> None:
        self._key = secrets.token_bytes(32)
        self._ttl = ttl_seconds
        self._max = max_entries
        self._entries: dict[bytes, float] = {}
        self._lock = threading.Lock()

    def _key_of(self, stored: str, presented: str) -> bytes:
        return hmac.digest(self._key, f"{stored}\0{presented}".encode(), "sha256")

    def cached(self, stored: str, presented: str) -> bool:
        """Verified within the TTL: an HMAC and a lookup, no scrypt."""
        key = self._key_of(stored, presented)
        with self._lock:
            expires = self._entries.get(key)
        return expires is not None and expires > time.monotonic()

    def verify(self, stored: str, presented: str) -> bool:
        if self.cached(stored, presented):
            return True
        key = self._key_of(stored, presented)
        now = time.monotonic()
        if not verify_secret(stored, presented):
            return False
        with self._lock:
            if len(self._entries) >= self._max:
                self._entries = {k: v for k, v in self._entries.items() if v > now}
                if len(self._entries) >= self._max:
                    self._entries.clear()
            self._entries[key] = now + self._ttl
        return True


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))
