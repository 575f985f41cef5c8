from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field

from gateway.clients.schemas import ClientBase
from gateway.tables import GatewayTable
from pdp_kit.db import UTCDateTime, utcnow


class Client(ClientBase, GatewayTable, table=True):
    """An OAuth 2.0 client of the gateway: a department system, a municipal platform, an operator
    or a public app (Art. 7, 32: identity authentication and access control)."""

    __tablename__ = "oauth_client"

    client_id: str = Field(primary_key=True, max_length=64)
    #: ``scrypt$n$r$p$salt$hash`` (see ``gateway.clients.hashing``); never the secret itself.
    secret_hash: str = Field(max_length=200)
    roles: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    disabled: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    secret_rotated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: Created from configuration (the bootstrap bureau client, pdp-<service>): the API can
    #: neither rotate nor disable it; configuration owns it.
    configured: bool = False
    #: Tokens issued before this are refused on every request (disabling, rotating: revocation).
    not_before: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: The bureau's per-client token bucket; unset: the platform default.
    rate_per_second: float | None = None
    rate_burst: int | None = None
    #: Public keys of a ``private_key_jwt`` client (RFC 7523); it then has no usable secret.
    jwks: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
