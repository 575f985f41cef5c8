"""``python -m gateway``: serve the gateway on ``PDP_GATEWAY_PORT`` (default 8000)."""

import uvicorn

from gateway.main import create_app
from gateway.settings import GatewaySettings


def main() -> None:
    settings = GatewaySettings()
    uvicorn.run(create_app(settings), host="127.0.0.1", port=settings.port, proxy_headers=True)


if __name__ == "__main__":
    main()
