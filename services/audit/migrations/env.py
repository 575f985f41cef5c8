"""Alembic environment of the audit service (the kit's tables come from the pdp_kit branch)."""

import audit.main  # noqa: F401 - imports every feature, so every table is registered
from audit.tables import AuditTable
from pdp_kit.migrations import run_env

run_env(AuditTable.metadata)
