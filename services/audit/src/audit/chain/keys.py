"""The audit service's own signing key for chain checkpoints and cuts (Ed25519).

Kept like the gateway's token key: a PEM file in ``PDP_DATA_DIR`` (created on a dev or test run),
or the PEM text in ``PDP_AUDIT_CHECKPOINT_KEY`` in production. Whoever can rewrite the records but
does not hold this key cannot produce checkpoints that match the rewrite.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit.chain.hashing import sm3
from audit.settings import AuditSettings


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey

    @property
    def key_id(self) -> str:
        raw = self.private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return sm3(raw).hex()[:32]

    def sign(self, message: bytes) -> str:
        return self.private.sign(message).hex()

    def verifies(self, message: bytes, signature: str) -> bool:
        try:
            self.private.public_key().verify(bytes.fromhex(signature), message)
        except (InvalidSignature, ValueError):
            return False
        return True


def signing_key(settings: AuditSettings) -> SigningKey:
    if settings.checkpoint_key is not None:
        return _from_pem(settings.checkpoint_key.get_secret_value().encode())
    return _from_file(settings.resolved_checkpoint_key_file, create=settings.is_dev_or_test)


@lru_cache(maxsize=8)
def _from_pem(pem: bytes) -> SigningKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the audit checkpoint key must be an Ed25519 key")
    return SigningKey(key)


@lru_cache(maxsize=8)
def _from_file(path: Path, *, create: bool) -> SigningKey:
    if not path.exists():
        if not create:
            raise FileNotFoundError(f"audit checkpoint key {path} is missing")
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        try:  # owner-only from the first byte
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first
        else:
            with os.fdopen(descriptor, "wb") as out:
                out.write(pem)
    return _from_pem(path.read_bytes())
