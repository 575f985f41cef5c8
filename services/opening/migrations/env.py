"""Alembic environment of the opening service (the kit's tables come from the pdp_kit branch)."""

import opening.main  # noqa: F401 - imports every feature, so every table is registered
from opening.tables import OpeningTable
from pdp_kit.migrations import run_env

run_env(OpeningTable.metadata)
