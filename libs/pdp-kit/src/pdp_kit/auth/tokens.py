"""RS256 access tokens: issued by the gateway, verified by every service against its JWKS."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

from pdp_kit.auth.principal import Principal, Role
from pdp_kit.errors import Unauthenticated

ALGORITHM = "RS256"


def generate_signing_key() -> RSAKey:
    key = RSAKey.generate_key(2048, private=True)
    return RSAKey.import_key(
        key.as_dict(private=True), {"kid": key.thumbprint(), "use": "sig", "alg": ALGORITHM}
    )


def load_or_create_signing_key(path: Path, *, create: bool) -> RSAKey:
    """The gateway's key from a PEM file; a dev run creates one in its data directory."""
    if path.exists():
        key = RSAKey.import_key(path.read_bytes())
    elif create:
        key = generate_signing_key()
        path.parent.mkdir(parents=True, exist_ok=True)
        # Created owner-only from the first byte: never readable under a looser umask.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(key.as_pem(private=True))
    else:
        raise FileNotFoundError(f"signing key {path} is missing")
    return RSAKey.import_key(
        key.as_dict(private=True), {"kid": key.thumbprint(), "use": "sig", "alg": ALGORITHM}
    )


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int
    scope: str


class TokenIssuer:
    def __init__(
        self, key: RSAKey, *, issuer: str, audience: str, lifetime_seconds: int = 3600
    ) -> None:
        self._key = key
        self.issuer = issuer
        self.audience = audience
        self.lifetime = lifetime_seconds

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self._key.as_dict(private=False)]}

    def issue(
        self,
        *,
        client_id: str,
        roles: list[str],
        department: str | None = None,
        operator: str | None = None,
        lifetime_seconds: int | None = None,
    ) -> IssuedToken:
        now = int(time.time())
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
        header = {"alg": ALGORITHM, "kid": self._key.kid, "typ": "at+jwt"}
        return IssuedToken(jwt.encode(header, claims, self._key), lifetime, scope)


class TokenVerifier:
    """Verifies tokens against the gateway's JWKS and caches each verified token until it expires.

    The cache matters: an RS256 check per request halves a proxy's throughput (ARCHITECTURE).
    """

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        jwks: dict[str, Any] | None = None,
        jwks_url: str | None = None,
        cache_size: int = 10_000,
    ) -> None:
        if jwks is None and jwks_url is None:
            raise ValueError("a JWKS or its URL is required")
        self._keys = KeySet.import_key_set(jwks) if jwks else None  # type: ignore[arg-type]
        self._jwks_url = jwks_url
        self._last_fetch = 0.0
        self._claims = jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": audience},
            exp={"essential": True},
            sub={"essential": True},
        )
        self._cache: OrderedDict[str, tuple[float, Principal]] = OrderedDict()
        self._cache_size = cache_size

    async def verify(self, token: str) -> Principal:
        now = time.time()
        cached = self._cache.get(token)
        if cached is not None and cached[0] > now:
            self._cache.move_to_end(token)
            return cached[1]
        claims = await self._decode(token)
        principal = principal_from_claims(claims)
        self._cache[token] = (float(claims["exp"]), principal)
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return principal

    async def _decode(self, token: str) -> dict[str, Any]:
        keys = self._keys or await self._fetch_keys()
        try:
            decoded = jwt.decode(token, keys, algorithms=[ALGORITHM])
        except (JoseError, ValueError) as exc:
            if self._jwks_url and "kid" in str(exc).lower() and time.time() - self._last_fetch > 30:
                # The gateway may have rotated its key: fetch once more.
                keys = await self._fetch_keys()
                try:
                    decoded = jwt.decode(token, keys, algorithms=[ALGORITHM])
                except (JoseError, ValueError) as again:
                    raise Unauthenticated("令牌无效") from again
            else:
                raise Unauthenticated("令牌无效") from exc
        try:
            self._claims.validate(decoded.claims)
        except JoseError as exc:
            raise Unauthenticated(f"令牌无效：{exc.description or exc.error}") from exc
        return decoded.claims

    async def _fetch_keys(self) -> KeySet:
        assert self._jwks_url is not None
        self._last_fetch = time.time()
        try:
            async with httpx.AsyncClient(timeout=5.0) as client:
                response = await client.get(self._jwks_url)
                response.raise_for_status()
        except httpx.HTTPError as exc:
            raise Unauthenticated("暂时无法获取签名公钥") from exc
        self._keys = KeySet.import_key_set(response.json())
        return self._keys


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
