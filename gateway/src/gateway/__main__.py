"""``python -m gateway``: serve the gateway on ``PDP_GATEWAY_PORT`` (default 8000)."""

import uvicorn

from gateway.edge.head_deadline import HeadDeadlineProtocol
from gateway.main import create_app
from gateway.settings import GatewaySettings


def main() -> None:
    settings = GatewaySettings()
    # Forwarded headers are judged by the gateway itself (PDP_GATEWAY_TRUSTED_PROXIES), not by
    # uvicorn: the network log and the token limits need the caller's real address. Each
    # request's head has a deadline (edge/head_deadline.py).
    uvicorn.run(
        create_app(settings),
        host="127.0.0.1",
        port=settings.port,
        proxy_headers=False,
        http=HeadDeadlineProtocol,
    )


if __name__ == "__main__":
    main()
