"""The gateway: OAuth 2.0 for every caller, routing to the services, the network log (Art. 7, 32,
34)."""

from fastapi import FastAPI

from gateway.clients.bootstrap import bootstrap_client, internal_clients
from gateway.clients.routes import router as clients_router
from gateway.clients.states import client_states
from gateway.clocks.metrics import open_clocks_metric
from gateway.clocks.routes import router as clocks_router
from gateway.console.auth import install_console
from gateway.console.oversight.routes import router as console_oversight_router
from gateway.console.routes import router as console_router
from gateway.console.views.acting import router as console_acting_router
from gateway.console.views.routes import router as console_views_router
from gateway.edge.guard import edge, rate_buckets
from gateway.edge.metrics import MetricsAccess
from gateway.frontdoor.routes import router as frontdoor_router
from gateway.municipal.routes import router as municipal_router
from gateway.municipal.runner import municipal_adapters
from gateway.netlog.buffer import network_log
from gateway.netlog.middleware import NetworkLogMiddleware
from gateway.oauth.keys import token_service
from gateway.oauth.routes import router as oauth_router
from gateway.proxy.routes import router as proxy_router
from gateway.proxy.routes import upstream_readiness, upstream_session
from gateway.settings import GatewaySettings
from gateway.staff.bootstrap import bootstrap_staff
from gateway.staff.routes import router as staff_router
from gateway.subscriptions import subscriptions
from gateway.worker import sweeps
from pdp_kit.migrations import locate
from pdp_kit.service import ServiceDefinition, create_service_app

definition = ServiceDefinition(
    name="gateway",
    title="长宁区公共数据平台 · 网关",
    description="OAuth 2.0 clients and tokens, routing to the services, the network log.",
    settings_class=GatewaySettings,
    migrations_dir=locate(__file__),
    routers=(clients_router, staff_router, municipal_router),
    subscriptions=subscriptions,
    sweeps=sweeps,
    root_routers=(
        oauth_router,
        proxy_router,
        console_router,
        console_views_router,
        console_oversight_router,
        clocks_router,
        console_acting_router,
        frontdoor_router,
    ),
    # Entered in order, left in reverse: the network log's last flush runs while the database
    # is still there and after the last proxied call.
    extensions=(
        bootstrap_client,
        bootstrap_staff,
        internal_clients,
        client_states,
        rate_buckets,
        token_service,
        edge,
        upstream_session,
        network_log,
        municipal_adapters,
        open_clocks_metric,
    ),
    readiness=(upstream_readiness,),
)


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    app = create_service_app(definition, settings)
    app.add_middleware(MetricsAccess)
    install_console(app)
    # Outermost of the middleware, so the log sees the final status and every byte.
    app.add_middleware(NetworkLogMiddleware)
    return app
