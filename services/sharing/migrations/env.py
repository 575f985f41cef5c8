"""Alembic environment of the sharing service (the kit's tables come from the pdp_kit branch)."""

import sharing.main  # noqa: F401 - imports every feature, so every table is registered
from pdp_kit.migrations import run_env
from sharing.tables import SharingTable

run_env(SharingTable.metadata)
