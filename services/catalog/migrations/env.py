"""Alembic environment of the catalog service (the kit's tables come from the pdp_kit branch)."""

import catalog.main  # noqa: F401 - imports every feature, so every table is registered
from catalog.tables import CatalogTable
from pdp_kit.migrations import run_env

run_env(CatalogTable.metadata)
