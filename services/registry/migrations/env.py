"""Alembic environment of the registry service (the kit's tables come from the pdp_kit branch)."""

import registry.main  # noqa: F401 - imports every feature, so every table is registered
from pdp_kit.migrations import run_env
from registry.tables import RegistryTable

run_env(RegistryTable.metadata)
