"""Backup and restore of every service's database (Art. 32: the records must survive a loss).

``python -m pdp_kit.backup backup [DIR]`` writes one file per database into ``DIR`` (default
``backups/<UTC time>``); ``python -m pdp_kit.backup restore DIR`` puts them back. ``make backup``
and ``make restore BACKUP=DIR`` call them (deploy/README.md).

- PostgreSQL (``PDP_DATABASE_URL`` or ``PDP_<SERVICE>_DATABASE_URL``): ``pg_dump -Fc`` per
  database, ``pg_restore --clean --if-exists`` into it (created if missing). Grants travel with the
  dump; the roles they name (``pdp_audit_writer``) are cluster objects and must exist.
- SQLite (``make run``): SQLite's online backup API, consistent while the platform runs; a restore
  copies the file back the same way (stop the platform first).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from pdp_kit.db import ensure_database
from pdp_kit.settings import ServiceSettings

DATABASES = ("catalog", "sharing", "opening", "registry", "audit", "gateway")


def database_url(name: str) -> str:
    """The database a service uses, read from the environment as the service reads it."""
    settings_class = type(
        f"{name.title()}Backup",
        (ServiceSettings,),
        {
            "service_name": name,
            "model_config": {**ServiceSettings.model_config, "env_prefix": f"PDP_{name.upper()}_"},
        },
    )
    settings: ServiceSettings = settings_class()
    return settings.resolved_database_url()


def _pg(url: URL) -> tuple[list[str], dict[str, str]]:
    args = ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432)]
    if url.username:
        args += ["-U", url.username]
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} is not installed (PostgreSQL client tools)")
    return found


def backup_database(url: str, target: Path) -> Path:
    """Write a consistent copy of the database at ``url`` to ``target`` (``.dump`` or ``.db``)."""
    parsed = make_url(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    if parsed.get_backend_name() == "sqlite":
        out = target.with_suffix(".db")
        with sqlite3.connect(parsed.database or "") as source, sqlite3.connect(out) as copy:
            source.backup(copy)
        copy.close()
        return out
    out = target.with_suffix(".dump")
    args, env = _pg(parsed)
    subprocess.run(
        [_tool("pg_dump"), "-Fc", "--no-owner", *args, "-f", str(out), parsed.database or ""],
        check=True,
        env=env,
    )
    return out


async def restore_database(backup: Path, url: str) -> None:
    """Put ``backup`` back as the database at ``url`` (created if missing, replaced if there)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        target = Path(parsed.database or "")
        target.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(backup) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        copy.close()
        return
    await ensure_database(url)
    await asyncio.to_thread(_pg_restore, backup, parsed)


def _pg_restore(backup: Path, parsed: URL) -> None:
    args, env = _pg(parsed)
    subprocess.run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            *args,
            "-d",
            parsed.database or "",
            str(backup),
        ],
        check=True,
        env=env,
    )


def main(argv: list[str]) -> int:
    if (
        len(argv) < 1
        or argv[0] not in ("backup", "restore")
        or (argv[0] == "restore" and len(argv) < 2)
    ):
        print("usage: python -m pdp_kit.backup backup [DIR] | restore DIR", file=sys.stderr)
        return 2
    if argv[0] == "backup":
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        folder = Path(argv[1]) if len(argv) > 1 else Path("backups") / stamp
        for name in DATABASES:
            url = database_url(name)
            if (
                make_url(url).get_backend_name() == "sqlite"
                and not Path(make_url(url).database or "").exists()
            ):
                continue
            print(f"{name}: {backup_database(url, folder / name)}")
        print(f"backup in {folder}")
        return 0
    folder = Path(argv[1])
    for name in DATABASES:
        found = sorted(folder.glob(f"{name}.*"))
        if found:
            asyncio.run(restore_database(found[0], database_url(name)))
            print(f"{name}: restored from {found[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
