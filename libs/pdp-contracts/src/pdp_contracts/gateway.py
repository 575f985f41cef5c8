"""Events published by the gateway."""

from __future__ import annotations

from datetime import datetime
from typing import Any

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


#: The values of a ``RequestsLogged`` entry, in this order. ``event_id`` names the entry (the
#: network log keeps one record per id); ``time`` is UTC, ISO 8601 with six fractional digits
#: (``2026-03-01T08:00:00.000000+00:00``); ``latency_ms`` a number; ``client_id``,
#: ``source_address`` and ``traceparent`` may be null; no string holds a NUL.
REQUESTS_LOGGED_FIELDS = (
    "event_id",
    "request_id",
    "time",
    "client_id",
    "source_address",
    "method",
    "path",
    "status",
    "latency_ms",
    "bytes_in",
    "bytes_out",
    "traceparent",
)
#: At most this many entries an event: a record stays well under the broker's 1 MB even with
#: 2,000-character paths.
REQUESTS_LOGGED_MAX_ENTRIES = 200


class RequestsLogged(EventPayload):
    """Requests through the gateway, one flush of its buffer: the network log (Art. 34) in bulk.

    ``entries`` are arrays of :data:`REQUESTS_LOGGED_FIELDS` values in that order, named in
    ``fields`` (so a reader can refuse a shape it does not know). The event's id is its first
    entry's ``event_id``: a batch is stored whole or not at all, so a consumer that holds that
    entry holds the batch. Replaces one ``RequestLogged`` a request, whose per-record decoding
    capped audit's ingest (bench/README.md, round 4); consumers still accept ``RequestLogged``.
    """

    event_type = event_type("gateway", "requests", "logged")
    topic = NETLOG_TOPIC

    fields: list[str]
    entries: list[list[Any]]

    def requests(self) -> list[RequestLogged]:
        """The entries as ``RequestLogged`` payloads (for readers that want models, not speed)."""
        return [
            RequestLogged.model_validate(dict(zip(self.fields, e, strict=True)))
            for e in self.entries
        ]


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
