"""``private_key_jwt`` (RFC 7523 §2.2, OpenID Connect Core §9): a client proves itself with a JWT
it signed with a key whose public half the bureau registered.

The assertion must name the token endpoint (or the issuer) as its audience, expire within an
hour and carry a ``jti`` never seen before: each ``jti`` is remembered until the assertion
expires (in Redis with ``PDP_REDIS_URL``, shared by every replica; in memory otherwise), so a
captured assertion cannot be replayed.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Protocol

from authlib.oauth2.rfc6749.errors import InvalidClientError
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from redis import Redis
from redis.exceptions import RedisError

#: Assertions living longer than this are refused, so a remembered ``jti`` expires within the
#: hour (authlib's own client signs for exactly an hour).
MAX_ASSERTION_SECONDS = 3600
LEEWAY_SECONDS = 30
METHOD = "private_key_jwt"
#: What a client may sign its assertion with (never "none", never a MAC: there is no shared key).
ASSERTION_ALGORITHMS = ["RS256", "PS256", "ES256"]


def token_endpoint_audiences(issuer: str) -> list[str]:
    base = issuer.rstrip("/")
    return [f"{base}/oauth/token", base, f"{base}/"]


class ReplayGuard(Protocol):
    def first_use(self, key: str, *, ttl_seconds: int) -> bool:
        """True the first time ``key`` is seen within ``ttl_seconds``."""


class MemoryReplays:
    def __init__(self, *, max_entries: int = 100_000) -> None:
        self._seen: dict[str, float] = {}
        self._max = max_entries
        self._lock = threading.Lock()

    def first_use(self, key: str, *, ttl_seconds: int) -> bool:
        now = time.monotonic()
        with self._lock:
            if len(self._seen) >= self._max:
                self._seen = {k: v for k, v in self._seen.items() if v > now}
            expires = self._seen.get(key)
            if expires is not None and expires > now:
                return False
            self._seen[key] = now + ttl_seconds
            return True


class RedisReplays:
    """Called from the worker thread authlib runs in, so a synchronous client."""

    def __init__(self, url: str) -> None:
        self._redis = Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)

    def first_use(self, key: str, *, ttl_seconds: int) -> bool:
        try:
            return bool(self._redis.set(f"pdp:gateway:jti:{key}", b"1", nx=True, ex=ttl_seconds))
        except RedisError as exc:
            # Refuse rather than risk accepting a replay.
            raise InvalidClientError(description="Assertion cannot be checked now.") from exc


def replay_guard_for(redis_url: str | None) -> ReplayGuard:
    return RedisReplays(redis_url) if redis_url else MemoryReplays()


class PrivateKeyJWTAuthentication(JWTBearerClientAssertion):  # type: ignore[misc]
    CLIENT_AUTH_METHOD = METHOD

    def __init__(self, *, audiences: list[str], replays: ReplayGuard) -> None:
        super().__init__(validate_jti=True, leeway=LEEWAY_SECONDS)
        self._audiences = audiences
        self._replays = replays

    def get_audiences(self) -> list[str]:
        return self._audiences

    def process_assertion_claims(self, assertion: str, resolve_key: Any) -> Any:
        try:
            token = jwt.decode(assertion, resolve_key, algorithms=ASSERTION_ALGORITHMS)
        except JoseError as exc:
            raise InvalidClientError(description=exc.description) from exc
        self.verify_claims(token.claims)
        return token.claims

    def resolve_client_public_key(self, client: Any) -> KeySet:
        if not client.jwks:
            raise InvalidClientError(description="The client has no registered keys.")
        return KeySet.import_key_set(client.jwks)

    def verify_claims(self, claims: Any) -> None:
        exp, now = claims.get("exp"), time.time()
        if isinstance(exp, int | float) and exp - now > MAX_ASSERTION_SECONDS + LEEWAY_SECONDS:
            raise InvalidClientError(description="The assertion lives too long.")
        super().verify_claims(claims)

    def validate_jti(self, claims: dict[str, Any], jti: Any) -> bool:
        if not isinstance(jti, str) or not 8 <= len(jti) <= 200:
            return False
        ttl = max(1, int(float(claims["exp"]) - time.time()) + LEEWAY_SECONDS)
        return self._replays.first_use(f"{claims['sub']}:{jti}", ttl_seconds=ttl)
