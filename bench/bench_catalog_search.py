"""Catalogue search latency at 50,000 and 500,000 published resources (Art. 7, issue 6).

Builds published resources with Chinese names, descriptions and field titles (the search index
and its token counts written as publishing writes them), then runs 300 Chinese queries through
the service function behind ``GET /resources?q=`` and prints p50/p95/p99 beside a baseline
measured in the same run: a naive unranked ``LIKE '%q%'`` scan over names and descriptions
(first 20 hits, the first 60 queries). The catalogue is grown in place: measured at 1× (50,000
by default), then grown to 10× and measured again.
Goals: p95 under 50 ms and at least 3× faster than the scan at 1×; p95 under 100 ms at 10×.
Run: ``.venv/bin/python bench/bench_catalog_search.py [--base 50000] [--scales 1 10]``.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from datetime import UTC, datetime
from typing import Any

from _support import Figure, migrated_database, report, verdict
from sqlalchemy import insert, or_, select, text
from sqlmodel import col

from catalog.departments.models import Department
from catalog.main import definition
from catalog.resources.listing import list_resources
from catalog.resources.models import Resource, ResourceVersion, SearchToken
from catalog.resources.search import count_tokens, weighted_tokens
from pdp_kit.auth import Principal, Role
from pdp_kit.db import sessionmaker
from pdp_kit.pagination import PageParams

QUERIES = 300
#: Queries timed on the baseline (a full scan at 10× is slow).
CHECKED = 60
CHUNK = 5_000
SUBJECTS = [
    "企业",
    "法人",
    "个体工商户",
    "人口",
    "户籍",
    "居民",
    "社保",
    "医保",
    "公积金",
    "养老",
    "就业",
    "失业",
    "招聘",
    "学校",
    "学生",
    "教师",
    "幼儿园",
    "医院",
    "医生",
    "药品",
    "食品",
    "餐饮",
    "车辆",
    "驾驶员",
    "违章",
    "停车",
    "道路",
    "公交",
    "地铁",
    "房屋",
    "租赁",
    "物业",
    "不动产",
    "土地",
    "规划",
    "施工",
    "建筑",
    "环境",
    "噪声",
    "水质",
    "空气",
    "垃圾",
    "绿化",
    "税务",
    "发票",
    "财政",
    "预算",
    "补贴",
    "低保",
    "救助",
    "残疾人",
    "老年人",
    "婚姻",
    "出生",
    "死亡",
    "殡葬",
    "宗教",
    "社团",
    "志愿者",
    "消防",
    "安全生产",
    "应急",
    "气象",
    "文化",
    "旅游",
    "体育",
    "场馆",
    "图书馆",
    "档案",
    "信访",
    "投诉",
    "市场",
    "价格",
    "广告",
    "知识产权",
    "商标",
    "专利",
]
ACTIONS = [
    "登记",
    "注册",
    "变更",
    "注销",
    "许可",
    "审批",
    "备案",
    "检查",
    "处罚",
    "监测",
    "统计",
    "缴费",
    "申报",
    "核验",
    "评估",
    "补贴",
    "发放",
    "预约",
    "服务",
    "办理",
]
SUFFIXES = ["信息", "台账", "名录", "清单", "数据", "目录", "记录", "明细"]
TITLES = [
    "名称",
    "编号",
    "类型",
    "状态",
    "地址",
    "联系电话",
    "负责人",
    "身份证号",
    "统一社会信用代码",
    "日期",
    "时间",
    "金额",
    "数量",
    "备注",
    "所属街道",
    "经营范围",
    "注册资本",
    "成立日期",
    "有效期",
    "发证机关",
    "检查结果",
    "处罚决定",
    "缴费基数",
    "参保状态",
    "车牌号码",
    "房屋坐落",
]


def resource_text(rng: random.Random) -> tuple[str, str, list[str]]:
    name = (
        "".join(rng.sample(SUBJECTS, rng.randint(1, 2)))
        + rng.choice(ACTIONS)
        + rng.choice(SUFFIXES)
    )
    description = (
        "本区"
        + "、".join(rng.sample(SUBJECTS, 3))
        + "相关的"
        + "和".join(rng.sample(ACTIONS, 2))
        + "数据"
    )
    titles = rng.sample(TITLES, rng.randint(5, 10))
    return name, description, titles


async def populate(engine: Any, backend: str, first: int, stop: int) -> None:
    """Publish resources number ``first`` to ``stop`` (the departments with the first ones)."""
    maker = sessionmaker(engine)
    now = datetime.now(UTC)
    if first == 0:
        async with maker() as session, session.begin():
            await session.execute(
                insert(Department),
                [{"code": f"D{n:03d}", "name": f"部门{n}", "created_at": now} for n in range(100)],
            )
    for start in range(first, stop, CHUNK):
        rng = random.Random(start)
        resources: list[dict[str, Any]] = []
        versions: list[dict[str, Any]] = []
        tokens: list[tuple[str, str, int]] = []
        for n in range(start, min(start + CHUNK, stop)):
            rid = f"r{n:07d}"
            name, description, titles = resource_text(rng)
            resources.append(
                {
                    "id": rid,
                    "department": f"D{n % 100:03d}",
                    "code": f"R{n}",
                    "latest_version": 1,
                    "status": "published",
                    "published_version": 1,
                    "created_at": now,
                }
            )
            versions.append(
                {
                    "resource_id": rid,
                    "version": 1,
                    "status": "published",
                    "name": name,
                    "description": description,
                    "duty": "DU1",
                    "system": "SY1",
                    "share_type": "conditional",
                    "open_type": "not_open",
                    "grade": "general",
                    "level": 2,
                    "important": False,
                    "update_frequency": "daily",
                    "fields": [
                        {
                            "name": f"f{i}",
                            "title": t,
                            "type": "string",
                            "sensitive": False,
                            "key": i == 0,
                            "required": i == 0,
                        }
                        for i, t in enumerate(titles)
                    ],
                    "duplicates": [],
                    "created_at": now,
                    "published_at": now,
                    "chain_status": "pending",
                }
            )
            tokens.extend(
                (token, rid, weight)
                for token, weight in weighted_tokens(name, titles, description).items()
            )
        async with maker() as session, session.begin():
            await session.execute(insert(Resource), resources)
            await session.execute(insert(ResourceVersion), versions)
            if backend == "postgresql":
                raw = await (await session.connection()).get_raw_connection()
                await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
                    "resource_search_token",
                    records=tokens,
                    columns=["token", "resource_id", "weight"],
                )
            else:
                await session.execute(
                    insert(SearchToken),
                    [{"token": t, "resource_id": r, "weight": w} for t, r, w in tokens],
                )
            await count_tokens(session, ((t, w, 1) for t, _, w in tokens))
        print(f"  {min(start + CHUNK, stop):,} resources published", flush=True)
    # What autovacuum does on a live server: statistics, and the visibility map (index-only scans).
    async with engine.connect() as conn:
        autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text("VACUUM ANALYZE" if backend == "postgresql" else "ANALYZE"))


def queries(rng: random.Random) -> list[str]:
    found = []
    for _ in range(QUERIES):
        kind = rng.random()
        if kind < 0.4:
            found.append(rng.choice(SUBJECTS) + rng.choice(ACTIONS))
        elif kind < 0.7:
            found.append(rng.choice(SUBJECTS) + rng.choice(ACTIONS) + rng.choice(SUFFIXES))
        elif kind < 0.9:
            found.append(rng.choice(TITLES))
        else:
            found.append(rng.choice(SUBJECTS))
    return found


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(samples, n=100)
    return statistics.median(samples), cuts[94], cuts[98]


async def measure(engine: Any, resources: int) -> dict[str, float]:
    """p95 of the ranked search and of the LIKE baseline over this catalogue; prints both."""
    maker = sessionmaker(engine)
    principal = Principal("bench-public", frozenset({Role.PUBLIC}))
    page = PageParams(limit=20, after=None)
    qs = queries(random.Random(9))
    ranked: list[float] = []
    hits: list[int] = []
    for q in qs[:20]:  # warm the caches
        async with maker() as session:
            await list_resources(session, principal=principal, page=page, q=q)
    for q in qs:
        async with maker() as session:
            t0 = time.perf_counter()
            result = await list_resources(session, principal=principal, page=page, q=q)
            ranked.append((time.perf_counter() - t0) * 1000)
            hits.append(len(result.items))
    naive: list[float] = []
    for q in qs[:CHECKED]:
        pattern = f"%{q}%"
        query = (
            select(col(ResourceVersion.resource_id))
            .where(col(ResourceVersion.status) == "published")
            .where(
                or_(
                    col(ResourceVersion.name).like(pattern),
                    col(ResourceVersion.description).like(pattern),
                )
            )
            .limit(20)
        )
        async with maker() as session:
            t0 = time.perf_counter()
            (await session.execute(query)).all()
            naive.append((time.perf_counter() - t0) * 1000)
    print(
        f"\n{resources:,} resources — queries: {len(qs)}, with results: "
        f"{sum(1 for h in hits if h)}, mean results shown: {statistics.mean(hits):.1f}"
    )
    figures: dict[str, float] = {}
    rows = []
    for key, label, samples in (
        ("like", "LIKE scan, unranked, first 20 hits (baseline)", naive),
        ("ranked", "ranked bigram search (GET /resources?q=)", ranked),
    ):
        p50, p95, p99 = percentiles(samples)
        figures[key] = p95
        rows.append(Figure(label, p95, "ms at p95", p50_ms=p50, p99_ms=p99))
    report(
        f"Chinese search over {resources:,} resources",
        rows,
        baseline="LIKE scan, unranked, first 20 hits (baseline)",
    )
    return figures


async def bench(base: int, scales: list[int]) -> None:
    async with migrated_database("search", definition.migrations_dir) as (engine, backend):
        print(f"backend: {backend}", flush=True)
        built = 0
        for scale in sorted(scales):
            started = time.perf_counter()
            print(f"publishing up to {base * scale:,} resources …", flush=True)
            await populate(engine, backend, built, base * scale)
            built = base * scale
            print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
            figures = await measure(engine, built)
            ranked, like = figures["ranked"], figures["like"]
            if scale == 1:
                verdict(f"{scale}×: ranked search p95 {ranked:.1f} ms", "p95 < 50 ms", ranked < 50)
                verdict(
                    f"{scale}×: LIKE scan p95 / ranked p95 = {like / ranked:.1f}×",
                    "≥ 3× faster than the scan",
                    like >= 3 * ranked,
                )
            else:
                verdict(
                    f"{scale}×: ranked search p95 {ranked:.1f} ms", "p95 < 100 ms", ranked < 100
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=int, default=50_000, help="resources at 1×")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    args = parser.parse_args()
    asyncio.run(bench(args.base, args.scales))


if __name__ == "__main__":
    main()
