"""``/metrics`` on the gateway, the one process the outside reaches.

Decision (README, deploy/README): the gateway answers ``/metrics`` to a peer on the internal
network (``PDP_GATEWAY_METRICS_NETWORKS``: loopback and the private ranges, where Prometheus
scrapes in compose and Kubernetes) whose request no proxy relayed (no ``X-Forwarded-For`` or
``Forwarded``: a request from outside arrives through the ingress, which adds one), or to a caller
with an ``ops`` token. Anyone else gets 404, as if there were nothing there. The services'
``/metrics`` are reachable only inside the cluster (NetworkPolicy) and the gateway never
forwards to them.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.edge.addresses import Networks, peer_of, relayed
from gateway.edge.guard import bearer_token
from gateway.proxy.forward import problem
from pdp_kit.auth import Role, TokenVerifier
from pdp_kit.errors import DomainError, NotFound

METRICS_PATH = "/metrics"


class MetricsAccess:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._networks: Networks | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        metrics = scope["type"] == "http" and scope["path"] == METRICS_PATH
        if metrics and not await self._allowed(scope):
            await problem(send, NotFound())
            return
        await self.app(scope, receive, send)

    async def _allowed(self, scope: Scope) -> bool:
        app_state = scope["app"].state
        if self._networks is None:
            self._networks = Networks(app_state.settings.metrics_networks)
        peer = peer_of(scope)
        if peer is not None and self._networks.contains(peer) and not relayed(scope):
            return True
        token = bearer_token(scope)
        verifier: TokenVerifier | None = getattr(app_state, "verifier", None)
        if token is None or verifier is None:
            return False
        try:
            principal = await verifier.verify(token)
        except DomainError:
            return False
        return principal.has(Role.OPS)
