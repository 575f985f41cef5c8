"""The gateway's own Prometheus metrics: calls per client, what the gateway refused, and
network-log entries lost (beside the kit's, :mod:`pdp_kit.metrics`).

Counted by the network-log middleware, which sees every call's final status and its client.
Labels stay bounded: a client id only once the client authenticated (registered clients are
few), otherwise ``anonymous``; a rejection's reason from a fixed set, never a path.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from prometheus_client import Counter

ANONYMOUS = "anonymous"
#: Set in the request's state when a service's answer is relayed (not one of the gateway's own).
FORWARDED = "forwarded_from_upstream"

#: The gateway's own refusals, by status (a service's answer relayed as is is not one).
REASONS: dict[int, str] = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    408: "timeout",
    413: "too_large",
    415: "unsupported_media_type",
    422: "bad_request",
    429: "rate_limited",
    502: "upstream_unavailable",
    503: "upstream_unavailable",
    504: "upstream_timeout",
}


@dataclass(frozen=True)
class GatewayMetrics:
    client_requests: Counter
    rejections: Counter
    netlog_dropped: Counter

    def count(self, *, client_id: str | None, status: int, forwarded: bool) -> None:
        """One call through the gateway, with its final status and whether a service answered."""
        self.client_requests.labels(client_id or ANONYMOUS, f"{status // 100}xx").inc()
        reason = None if forwarded else REASONS.get(status)
        if reason is not None:
            self.rejections.labels(reason).inc()


@functools.cache
def gateway_metrics() -> GatewayMetrics:
    """Registered on first call (the gateway's lifespan makes it), never at import."""
    return GatewayMetrics(
        client_requests=Counter(
            "pdp_gateway_client_requests",
            "Calls through the gateway by authenticated client and status class.",
            ["client_id", "status_class"],
        ),
        rejections=Counter(
            "pdp_gateway_rejections",
            "Calls the gateway answered itself with a refusal, by reason.",
            ["reason"],
        ),
        netlog_dropped=Counter(
            "pdp_gateway_netlog_dropped",
            "Network-log entries dropped because the buffer was full and nothing could spill.",
        ),
    )
