"""RS256 access tokens (RFC 9068 ``at+jwt``): issued by the gateway, verified by every service
against its JWKS.

Rotation without downtime: the gateway publishes its current *and* previous keys; a verifier keeps
every key of the set and fetches the set again when a token names a key it does not know, with
backoff so a stream of made-up ``kid`` values cannot make it hammer the gateway. A JWKS that
cannot be fetched is the platform's fault, not the caller's: 503, never 401.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import os
import time
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

from pdp_kit.auth.principal import Principal, Role
from pdp_kit.errors import Unauthenticated, Unavailable

ALGORITHM = "RS256"
#: RFC 9068 §2.1: access tokens say what they are, so an ID token or another JWT is refused.
TOKEN_TYPE = "at+jwt"  # noqa: S105 - a media type, not a secret
#: Clock skew tolerated between the gateway and a service, for ``exp``, ``nbf`` and ``iat``.
LEEWAY_SECONDS = 30
#: No token lives longer than this, whatever the gateway was configured to issue.
MAX_LIFETIME_SECONDS = 3600
#: Larger tokens are refused before any parsing.
MAX_TOKEN_BYTES = 8192
#: Header fields that would let a token bring its own key (RFC 7515 §4.1.3-6) or demand
#: extensions: never honoured, refused outright.
_FOREIGN_KEY_HEADERS = frozenset({"jwk", "jku", "x5u", "x5c", "crit"})
_FIRST_REFRESH_SECONDS = 1.0
_MAX_REFRESH_SECONDS = 60.0


def generate_signing_key() -> RSAKey:
    key = RSAKey.generate_key(2048, private=True)
    return _with_kid(key)


def _with_kid(key: RSAKey) -> RSAKey:
    return RSAKey.import_key(
        key.as_dict(private=True), {"kid": key.thumbprint(), "use": "sig", "alg": ALGORITHM}
    )


def load_signing_key(path: Path) -> RSAKey:
    return _with_kid(RSAKey.import_key(path.read_bytes()))


def load_or_create_signing_key(path: Path, *, create: bool) -> RSAKey:
    """The gateway's key from a PEM file; a dev run creates one in its data directory."""
    if path.exists():
        return load_signing_key(path)
    if not create:
        raise FileNotFoundError(f"signing key {path} is missing")
    key = generate_signing_key()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Created owner-only from the first byte: never readable under a looser umask.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(key.as_pem(private=True))
    return key


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int
    scope: str


class TokenIssuer:
    """Signs with ``key``; ``previous_keys`` are only published, so tokens they signed before a
    rotation keep verifying until they expire."""

    def __init__(
        self,
        key: RSAKey,
        *,
        issuer: str,
        audience: str,
        lifetime_seconds: int = 900,
        previous_keys: Sequence[RSAKey] = (),
    ) -> None:
        self._key = key
        self._previous = [k for k in previous_keys if k.kid != key.kid]
        self.issuer = issuer
        self.audience = audience
        self.lifetime = lifetime_seconds

    @property
    def kid(self) -> str:
        return str(self._key.kid)

    def jwks(self) -> dict[str, Any]:
        return {"keys": [k.as_dict(private=False) for k in (self._key, *self._previous)]}

    def issue(
        self,
        *,
        client_id: str,
        roles: list[str],
        department: str | None = None,
        operator: str | None = None,
        lifetime_seconds: int | None = None,
        issued_at: int | None = None,
    ) -> IssuedToken:
        now = issued_at or int(time.time())
        lifetime = lifetime_seconds or self.lifetime
        scope = " ".join(sorted(roles))
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": client_id,
            "client_id": client_id,
            "iat": now,
            "nbf": now,
            "exp": now + lifetime,
            "jti": uuid.uuid4().hex,
            "roles": sorted(roles),
            "department": department,
            "operator": operator,
            "scope": scope,
        }
        header = {"alg": ALGORITHM, "kid": self._key.kid, "typ": TOKEN_TYPE}
        return IssuedToken(jwt.encode(header, claims, self._key), lifetime, scope)


class TokenVerifier:
    """Verifies tokens against the gateway's JWKS and caches each verified token until it expires.

    The cache matters: an RS256 check per request halves a proxy's throughput (ARCHITECTURE).
    ``issued_at(token)`` gives the ``iat`` of a cached token (the gateway's revocation check).
    """

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        jwks: dict[str, Any] | None = None,
        jwks_url: str | None = None,
        cache_size: int = 10_000,
        leeway_seconds: int = LEEWAY_SECONDS,
        max_lifetime_seconds: int = MAX_LIFETIME_SECONDS,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if jwks is None and jwks_url is None:
            raise ValueError("a JWKS or its URL is required")
        self._keys: dict[str, RSAKey] = _keys_of(jwks) if jwks is not None else {}
        self._jwks_url = jwks_url
        self._transport = transport
        self._fetched = jwks is not None
        self._next_refresh = 0.0
        self._refresh_wait = 0.0
        self._fetch_lock = asyncio.Lock()
        self._leeway = leeway_seconds
        self._max_lifetime = max_lifetime_seconds
        self._claims = jwt.JWTClaimsRegistry(
            leeway=leeway_seconds,
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": audience},
            exp={"essential": True},
            iat={"essential": True},
            sub={"essential": True},
        )
        self._cache: OrderedDict[str, tuple[float, Principal, float]] = OrderedDict()
        self._cache_size = cache_size

    @property
    def kids(self) -> frozenset[str]:
        return frozenset(self._keys)

    async def verify(self, token: str) -> Principal:
        return (await self.verify_with_issued_at(token))[0]

    async def verify_with_issued_at(self, token: str) -> tuple[Principal, float]:
        """The principal and the token's ``iat`` (seconds since the epoch)."""
        now = time.time()
        cached = self._cache.get(token)
        if cached is not None and cached[0] > now:
            self._cache.move_to_end(token)
            return cached[1], cached[2]
        claims = await self._decode(token)
        principal = principal_from_claims(claims)
        issued_at = float(claims["iat"])
        self._cache[token] = (float(claims["exp"]) + self._leeway, principal, issued_at)
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return principal, issued_at

    async def _decode(self, token: str) -> dict[str, Any]:
        if len(token) > MAX_TOKEN_BYTES:
            raise Unauthenticated("令牌过长")
        header = _header_of(token)
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise Unauthenticated("令牌无效：缺少密钥标识")
        key = self._keys.get(kid) or await self._refreshed_key(kid)
        try:
            decoded = jwt.decode(token, key, algorithms=[ALGORITHM])
        except (JoseError, ValueError) as exc:
            raise Unauthenticated("令牌无效") from exc
        claims: dict[str, Any] = decoded.claims
        try:
            self._claims.validate(claims)
        except JoseError as exc:
            raise Unauthenticated(f"令牌无效：{exc.description or exc.error}") from exc
        if not all(isinstance(claims.get(n), int | float) for n in ("iat", "exp")):
            raise Unauthenticated("令牌无效：时间字段")
        nbf = claims.get("nbf", claims["iat"])
        if not isinstance(nbf, int | float) or claims["exp"] - nbf > self._max_lifetime:
            raise Unauthenticated("令牌有效期过长")
        if claims["iat"] > time.time() + self._leeway:
            raise Unauthenticated("令牌签发时间在未来")
        return claims

    async def _refreshed_key(self, kid: str) -> RSAKey:
        """An unknown ``kid``: the gateway may have rotated. Fetch the set again, at most once per
        backoff interval (doubling while refreshes bring nothing new, up to a minute)."""
        if self._jwks_url is None:
            raise Unauthenticated("令牌无效：未知的签名密钥")
        async with self._fetch_lock:
            if kid in self._keys:
                return self._keys[kid]
            now = time.monotonic()
            if self._fetched and now < self._next_refresh:
                raise Unauthenticated("令牌无效：未知的签名密钥")
            known = set(self._keys)
            keys = await self._fetch_keys()
            self._keys = keys
            self._fetched = True
            # A refresh that brought a new key may be followed by another at once (a second
            # rotation); each one that brought nothing doubles the wait.
            self._refresh_wait = (
                0.0
                if set(keys) - known
                else min(max(self._refresh_wait * 2, _FIRST_REFRESH_SECONDS), _MAX_REFRESH_SECONDS)
            )
            self._next_refresh = now + self._refresh_wait
        if kid not in self._keys:
            raise Unauthenticated("令牌无效：未知的签名密钥")
        return self._keys[kid]

    async def _fetch_keys(self) -> dict[str, RSAKey]:
        assert self._jwks_url is not None
        try:
            async with httpx.AsyncClient(timeout=5.0, transport=self._transport) as client:
                response = await client.get(self._jwks_url)
                response.raise_for_status()
                return _keys_of(response.json())
        except (httpx.HTTPError, ValueError, JoseError) as exc:
            # The caller's token may be fine: the platform cannot check it right now (503).
            raise Unavailable("暂时无法获取签名公钥，请稍后重试") from exc


def _keys_of(jwks: dict[str, Any]) -> dict[str, RSAKey]:
    """Every RSA signing key of the set, by ``kid``; other keys are ignored."""
    keys: dict[str, RSAKey] = {}
    for key in KeySet.import_key_set(jwks).keys:  # type: ignore[arg-type]
        if isinstance(key, RSAKey) and key.kid and key.get("use", "sig") == "sig":
            keys[str(key.kid)] = key
    return keys


def _header_of(token: str) -> dict[str, Any]:
    """The protected header, checked before any key is looked at."""
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        raise Unauthenticated("令牌格式无效")
    try:
        header = json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
    except (ValueError, binascii.Error) as exc:
        raise Unauthenticated("令牌格式无效") from exc
    if not isinstance(header, dict):
        raise Unauthenticated("令牌格式无效")
    if header.get("alg") != ALGORITHM:
        raise Unauthenticated("令牌无效：签名算法")
    if str(header.get("typ", "")).lower() not in (TOKEN_TYPE, f"application/{TOKEN_TYPE}"):
        raise Unauthenticated("令牌无效：不是访问令牌 (typ)")
    if _FOREIGN_KEY_HEADERS & header.keys():
        raise Unauthenticated("令牌无效：不接受令牌自带的密钥")
    return header


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    roles: set[Role] = set()
    for name in claims.get("roles") or []:
        try:
            roles.add(Role(name))
        except ValueError:
            continue
    return Principal(
        client_id=str(claims.get("client_id") or claims["sub"]),
        roles=frozenset(roles),
        department=claims.get("department"),
        operator=claims.get("operator"),
    )


def verifier_from_settings(settings: Any) -> TokenVerifier:
    return TokenVerifier(
        issuer=settings.token_issuer,
        audience=settings.token_audience,
        jwks=json.loads(settings.jwks) if settings.jwks else None,
        jwks_url=None if settings.jwks else settings.jwks_url,
    )
