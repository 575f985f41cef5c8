"""``python -m gateway``: serve the gateway on ``PDP_GATEWAY_PORT`` (default 8000)."""

import uvicorn

from gateway.main import create_app
from gateway.settings import GatewaySettings


def main() -> None:
    settings = GatewaySettings()
    # Forwarded headers are judged by the gateway itself (PDP_GATEWAY_TRUSTED_PROXIES), not by
    # uvicorn: the network log and the token limits need the caller's real address.
    uvicorn.run(create_app(settings), host="127.0.0.1", port=settings.port, proxy_headers=False)


if __name__ == "__main__":
    main()
