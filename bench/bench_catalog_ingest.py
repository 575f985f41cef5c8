"""Record aggregation throughput (Art. 14): the platform's ingest path against a bare insert.

100,000 records of a 10-field resource (with a unified social credit code key, a resident ID,
a phone number and an e-mail address, all checked) go in batches of 5,000, each in its own
transaction, through:

- ``ingest``: the service function behind ``POST /resources/{id}/records`` (check every value,
  upsert by key, update the quality counters, queue the event);
- ``http``: the same through the FastAPI app in-process (JSON parsing, token check, response);
- ``bare``: a plain SQLAlchemy Core ``INSERT`` of the same rows into the same table, no checks.

Goal: ``ingest`` at least half of ``bare``.
Run: ``.venv/bin/python bench/bench_catalog_ingest.py [RECORDS]`` (default 100,000).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from _support import migrated_database, report, size_argument, verdict
from sqlalchemy import insert
from stdnum.cn import ric, uscc

from catalog.departments.schemas import DepartmentCreate
from catalog.departments.service import create_department
from catalog.duties.schemas import DutyCreate
from catalog.duties.service import create_duty
from catalog.main import create_app, definition
from catalog.records.models import Record
from catalog.records.service import ingest
from catalog.resources import review
from catalog.resources.schemas import ResourceCreate
from catalog.resources.service import create_resource
from catalog.settings import CatalogSettings
from catalog.systems.schemas import SystemCreate
from catalog.systems.service import create_system
from pdp_kit.auth import Principal, Role
from pdp_kit.auth.tokens import TokenIssuer, generate_signing_key
from pdp_kit.db import sessionmaker

RECORDS = 100_000
BATCH = 5_000
BUREAU = Principal("bench-bureau", frozenset({Role.BUREAU}))
DEPARTMENT = Principal("bench-d001", frozenset({Role.DEPARTMENT}), department="D001")
FIELDS: list[dict[str, Any]] = [
    {
        "name": "credit_code",
        "title": "统一社会信用代码",
        "type": "string",
        "format": "uscc",
        "sensitive": False,
        "key": True,
    },
    {"name": "name", "title": "企业名称", "type": "string", "sensitive": False, "required": True},
    {"name": "registered_on", "title": "成立日期", "type": "date", "sensitive": False},
    {"name": "capital", "title": "注册资本", "type": "number", "sensitive": False},
    {"name": "employees", "title": "从业人数", "type": "integer", "sensitive": False},
    {
        "name": "legal_rep_id",
        "title": "法定代表人身份证号",
        "type": "string",
        "format": "resident_id",
        "sensitive": True,
    },
    {"name": "phone", "title": "联系电话", "type": "string", "format": "phone", "sensitive": True},
    {"name": "email", "title": "电子邮箱", "type": "string", "format": "email", "sensitive": True},
    {"name": "active", "title": "存续", "type": "boolean", "sensitive": False},
    {"name": "checked_at", "title": "核验时间", "type": "datetime", "sensitive": False},
]
# County codes assigned throughout 1960–2001 (stdnum checks the code against the birth year).
REGIONS = ["310105", "310104", "310106", "310101", "110105", "110101"]


def make_records(n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    records = []
    start = date(1960, 1, 1)
    for i in range(n):
        base = f"91310105MA{seed:01d}{i:06d}"[:17]
        birth = start + timedelta(days=rng.randint(0, 15000))
        rid = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
        records.append(
            {
                "credit_code": base + uscc.calc_check_digit(base),
                "name": f"长宁示例企业{i}有限公司",
                "registered_on": (
                    date(2000, 1, 1) + timedelta(days=rng.randint(0, 9000))
                ).isoformat(),
                "capital": round(rng.uniform(1, 10_000), 2),
                "employees": rng.randint(1, 5000),
                "legal_rep_id": rid + ric.calc_check_digit(rid + "0"),
                "phone": f"13{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}",
                "email": f"contact{i}@example.cn",
                "active": rng.random() < 0.9,
                "checked_at": "2026-11-02T09:30:00+08:00",
            }
        )
    return records


async def published_resource(maker: Any, code: str) -> str:
    body = {
        "department": "D001",
        "code": code,
        "name": "企业登记信息",
        "description": "基准测试",
        "duty": "DU1",
        "system": "SY1",
        "share_type": "conditional",
        "open_type": "not_open",
        "grade": "general",
        "level": 2,
        "important": False,
        "update_frequency": "daily",
        "fields": FIELDS,
    }
    async with maker() as session, session.begin():
        resource, _ = await create_resource(
            session, data=ResourceCreate.model_validate(body), principal=DEPARTMENT
        )
        await review.submit(session, resource_id=resource.id, principal=DEPARTMENT)
        await review.publish(session, resource_id=resource.id, principal=BUREAU)
        return resource.id


async def run_bare(maker: Any, resource_id: str, records: list[dict[str, Any]]) -> float:
    table = Record.__table__  # type: ignore[attr-defined]
    started = time.perf_counter()
    for offset in range(0, len(records), BATCH):
        now = datetime.now(UTC)
        rows = [
            {
                "resource_id": resource_id,
                "record_key": r["credit_code"],
                "data": r,
                "filled": 10,
                "updated_at": now,
            }
            for r in records[offset : offset + BATCH]
        ]
        async with maker() as session, session.begin():
            await session.execute(insert(table), rows)
    return time.perf_counter() - started


async def run_ingest(maker: Any, resource_id: str, records: list[dict[str, Any]]) -> float:
    started = time.perf_counter()
    for offset in range(0, len(records), BATCH):
        async with maker() as session, session.begin():
            result = await ingest(
                session,
                resource_id=resource_id,
                records=records[offset : offset + BATCH],
                limit=BATCH,
                principal=DEPARTMENT,
            )
        assert result.accepted == min(BATCH, len(records) - offset), result.rejected[:3]
    return time.perf_counter() - started


async def run_http(url: str, resource_id: str, records: list[dict[str, Any]]) -> float:
    key = generate_signing_key()
    issuer = TokenIssuer(key, issuer="http://bench", audience="pdp")
    settings = CatalogSettings(
        env="test",
        role="api",
        database_url=url,
        create_database=False,
        jwks=json.dumps(issuer.jwks()),
        token_issuer="http://bench",  # noqa: S106 - an issuer URL, not a secret
        token_audience="pdp",  # noqa: S106
        log_json=False,
        log_level="WARNING",
    )
    app = create_app(settings)
    token = issuer.issue(client_id="bench", roles=["department"], department="D001").access_token
    headers = {"Authorization": f"Bearer {token}", "content-type": "application/json"}
    bodies = [
        json.dumps({"records": records[o : o + BATCH]}).encode()
        for o in range(0, len(records), BATCH)
    ]
    async with app.router.lifespan_context(app):
        for noisy in ("httpx", "alembic"):  # the app's lifespan sets up INFO logging
            logging.getLogger(noisy).setLevel(logging.WARNING)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            started = time.perf_counter()
            for body in bodies:
                response = await client.post(
                    f"/api/catalog/resources/{resource_id}/records", content=body, headers=headers
                )
                assert response.status_code == 200, response.text[:300]
            return time.perf_counter() - started


async def bench(records: int) -> None:
    async with migrated_database("ingest", definition.migrations_dir) as (engine, backend):
        maker = sessionmaker(engine)
        print(
            f"backend: {backend}; {records:,} records of {len(FIELDS)} fields"
            f" in batches of {BATCH:,}",
            flush=True,
        )
        async with maker() as session, session.begin():
            await create_department(
                session, data=DepartmentCreate(code="D001", name="区市场监管局"), principal=BUREAU
            )
        async with maker() as session, session.begin():
            await create_duty(
                session,
                department="D001",
                data=DutyCreate(code="DU1", name="登记", legal_basis="条例"),
                principal=DEPARTMENT,
            )
            await create_system(
                session,
                department="D001",
                data=SystemCreate(code="SY1", name="登记系统"),
                principal=DEPARTMENT,
            )
        print("generating records …", flush=True)
        rows = make_records(records, seed=1)
        results: dict[str, list[float]] = {"bare": [], "ingest": [], "http": []}
        for round_ in range(2):
            for name in ("bare", "ingest"):
                resource_id = await published_resource(maker, f"R{name}{round_}")
                runner = run_bare if name == "bare" else run_ingest
                seconds = await runner(maker, resource_id, rows)
                results[name].append(seconds)
                print(
                    f"  round {round_ + 1} {name:6}: {records / seconds:10,.0f} records/s",
                    flush=True,
                )
        resource_id = await published_resource(maker, "Rhttp")
        url = engine.url.render_as_string(hide_password=False)
        seconds = await run_http(url, resource_id, rows)
        results["http"].append(seconds)
        print(f"  round 1 http  : {records / seconds:10,.0f} records/s", flush=True)
        figures = report(
            f"Catalog ingest of {records:,} records ({engine.url.get_backend_name()}, best of 2)",
            [
                (label, records / min(results[name]), "records/s")
                for name, label in (
                    ("bare", "bare SQLAlchemy Core insert (baseline)"),
                    ("ingest", "platform ingest (service)"),
                    ("http", "platform ingest (HTTP)"),
                )
            ],
            baseline="bare SQLAlchemy Core insert (baseline)",
        )
        bare = figures[0].value
        for figure in figures[1:]:
            ratio = figure.value / bare
            verdict(f"{figure.name}: {ratio:.0%} of bare", "≥ 50 %", ratio >= 0.5)


def main() -> None:
    asyncio.run(bench(size_argument(RECORDS)))


if __name__ == "__main__":
    main()
