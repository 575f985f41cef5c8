"""Events published by the gateway."""

from __future__ import annotations

from datetime import datetime

from pdp_contracts.base import EventPayload, event_type

NETLOG_TOPIC = "pdp.gateway.netlog"


class RequestLogged(EventPayload):
    """One request through the gateway: the network log kept for six months (Art. 34)."""

    event_type = event_type("gateway", "request", "logged")
    topic = NETLOG_TOPIC

    request_id: str
    time: datetime
    client_id: str | None
    source_address: str | None
    method: str
    path: str
    status: int
    latency_ms: float
    bytes_in: int
    bytes_out: int


class ClientRegistered(EventPayload):
    event_type = event_type("gateway", "client", "registered")

    client_id: str
    name: str
    roles: list[str]
    department: str | None = None
    operator: str | None = None
    #: ``client_secret`` (basic or post) or ``private_key_jwt`` (RFC 7523).
    auth_method: str = "client_secret"


class ClientDisabled(EventPayload):
    event_type = event_type("gateway", "client", "disabled")

    client_id: str


class ClientSecretRotated(EventPayload):
    event_type = event_type("gateway", "client_secret", "rotated")

    client_id: str


class ClientEnabled(EventPayload):
    """A configured client (``pdp-<service>``) admitted again because its secret was set."""

    event_type = event_type("gateway", "client", "enabled")
    client_id: str


class ClientRateLimitSet(EventPayload):
    """The bureau set a client's token bucket; ``None`` puts it back on the platform default."""

    event_type = event_type("gateway", "client_rate_limit", "set")
    client_id: str
    per_second: float | None
    burst: int | None


# Staff users of the console (Art. 32, 34: identity authentication, and who did what).


class StaffUserCreated(EventPayload):
    event_type = event_type("gateway", "staff_user", "created")

    user_id: str
    username: str
    roles: list[str]
    department: str | None = None


class StaffPasswordChanged(EventPayload):
    event_type = event_type("gateway", "staff_password", "changed")

    user_id: str
    username: str


class StaffUserLocked(EventPayload):
    """Too many failed sign-ins in a row: the account refuses every sign-in until ``until``."""

    event_type = event_type("gateway", "staff_user", "locked")

    user_id: str
    username: str
    failed_attempts: int
    until: datetime


class StaffTotpEnrolled(EventPayload):
    event_type = event_type("gateway", "staff_totp", "enrolled")

    user_id: str
    username: str


class StaffSignedIn(EventPayload):
    event_type = event_type("gateway", "staff", "signed_in")

    user_id: str
    username: str


class StaffUserDisabled(EventPayload):
    """The bureau ended a staff user's access: no sign-in, and their live sessions are ended."""

    event_type = event_type("gateway", "staff_user", "disabled")

    user_id: str
    username: str
