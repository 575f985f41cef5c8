"""``python -m municipal_sim`` / ``municipal-sim``: serve the simulator.

``MUNICIPAL_SIM_PORT`` (default 8190), ``MUNICIPAL_SIM_HOST`` (default 127.0.0.1) and the one
client it accepts, ``MUNICIPAL_SIM_CLIENT_ID`` / ``MUNICIPAL_SIM_CLIENT_SECRET`` (development
defaults ``pdp-changning`` / ``dev-only-municipal-secret``).
"""

import os

import uvicorn

from municipal_sim.app import create_app_from_env

DEFAULT_PORT = 8190


def main() -> None:
    uvicorn.run(
        create_app_from_env(),
        host=os.environ.get("MUNICIPAL_SIM_HOST", "127.0.0.1"),
        port=int(os.environ.get("MUNICIPAL_SIM_PORT", DEFAULT_PORT)),
        log_level=os.environ.get("MUNICIPAL_SIM_LOG_LEVEL", "warning"),
    )


if __name__ == "__main__":
    main()
