"""Alembic environment of the gateway (the kit's tables come from the pdp_kit branch)."""

import gateway.main  # noqa: F401 - imports every feature, so every table is registered
from gateway.tables import GatewayTable
from pdp_kit.migrations import run_env

run_env(GatewayTable.metadata)
