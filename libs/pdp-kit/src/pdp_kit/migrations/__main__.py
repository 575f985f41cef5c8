"""Write a service's next migration: ``python -m pdp_kit.migrations <service> "message"``.

Autogenerates against a scratch SQLite database brought to the current heads first.
"""

from __future__ import annotations

import asyncio
import importlib
import sys
import tempfile
from pathlib import Path

from alembic import command

from pdp_kit.db import create_engine
from pdp_kit.migrations import alembic_config, apply_migrations, locate


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit('usage: python -m pdp_kit.migrations <service> "message"')
    service, message = sys.argv[1], sys.argv[2]
    package = importlib.import_module(service)
    migrations = locate(str(Path(package.__file__ or "").parent / "main.py"))
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/scratch.db"

        async def upgrade() -> None:
            engine = create_engine(url)
            await apply_migrations(engine, migrations)
            await engine.dispose()

        asyncio.run(upgrade())
        cfg = alembic_config(migrations, url)
        first = not _has_branch(cfg, service)
        number = _count(cfg, service) + 1
        command.revision(
            cfg,
            message=message,
            autogenerate=True,
            head="base" if first else f"{service}@head",
            branch_label=service if first else None,
            version_path=str(migrations / "versions"),
            rev_id=f"{service}_{number:04d}",
        )


def _count(cfg: object, label: str) -> int:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(cfg)  # type: ignore[arg-type]
    return sum(1 for rev in script.walk_revisions() if rev.revision.startswith(f"{label}_"))


def _has_branch(cfg: object, label: str) -> bool:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(cfg)  # type: ignore[arg-type]
    return any(label in (rev.branch_labels or ()) for rev in script.walk_revisions())


if __name__ == "__main__":
    main()
