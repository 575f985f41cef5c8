"""Ranked Chinese search (Art. 7): summed bigram weights, ties by id, at least half the query's
bigrams."""

import math
import random
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, insert, select

from catalog.departments.models import Department
from catalog.resources import search
from catalog.resources.models import Resource, SearchToken, SearchTokenStat

API = "/api/catalog"
QUERY = "企业登记信息"  # bigrams 企业 业登 登记 记信 信息: a match holds at least 3 of them


def only_field(title: str = "编号") -> list[dict[str, Any]]:
    return [{"name": "code", "title": title, "type": "string", "sensitive": False, "key": True}]


async def all_pages(client: httpx.AsyncClient, headers: dict[str, str], q: str) -> list[Any]:
    found: list[Any] = []
    params: dict[str, Any] = {"q": q, "limit": 2}
    while True:
        page = (await client.get(f"{API}/resources", params=params, headers=headers)).json()
        found.extend((r["id"], r["score"]) for r in page["items"])
        if not page["next_cursor"]:
            return found
        params["cursor"] = page["next_cursor"]


async def test_search_ranks_by_summed_weight_breaks_ties_by_id_and_needs_half_the_bigrams(
    client: httpx.AsyncClient,
    seed: Any,
    as_public: dict[str, str],
) -> None:
    await seed.department("D001")

    async def publish(code: str, name: str, description: str, title: str = "编号") -> str:
        resource = await seed.published(
            "D001", code, name=name, description=description, fields=only_field(title)
        )
        return str(resource["id"])

    in_name = await publish("R1", QUERY, "本区数据")  # 5 tokens × 4
    with_description = await publish("R2", "企业登记台账", "信息")  # 3 × 4 + 1
    ledger = await publish("R3", "企业登记台账", "本区数据")  # 3 × 4, as much as the next one
    tied = sorted([ledger, await publish("R4", "企业登记名录", "本区数据")])  # so: by id
    in_title = await publish("R5", "市场监管名册", "本区数据", title=QUERY)  # 5 × 2
    mostly_description = await publish("R6", "市场信息", "企业登记")  # 4 + 3 × 1
    await publish("R7", "企业信息", "本区数据")  # 2 of the 5 tokens: no match
    expected = [
        (in_name, 20),
        (with_description, 13),
        (tied[0], 12),
        (tied[1], 12),
        (in_title, 10),
        (mostly_description, 7),
    ]

    assert await all_pages(client, as_public, QUERY) == expected
    assert await all_pages(client, as_public, "台账") == sorted(
        [(with_description, 4), (ledger, 4)]
    )


@pytest.mark.parametrize("bounds_from_weight", [3, 8])
async def test_the_pruned_ranking_returns_exactly_the_full_sum_on_every_page(
    app: Any, monkeypatch: pytest.MonkeyPatch, bounds_from_weight: int
) -> None:
    """The ranking skips postings that cannot reach the page (search.py); on a catalogue built for
    ties (few tokens, every weight from 1 to 7), every page of many queries must be exactly what
    summing every posting gives. Its batches are made small so that 400 resources take every path
    (seeds, the last token read until it cannot reach the page, the bounded sum straight away or
    after the seeds, its further statements and resources scored in batches, every posting read
    when the floor is within the slack)."""
    for name, value in (
        ("SEED", 4),
        ("SEED_ALL", 12),
        ("FIRST_BATCH", 4),
        ("BOUND_BATCH", 4),
        ("BOUNDS", 8),
        ("READ_ENOUGH", 40),
        ("BOUNDS_FROM_WEIGHT", bounds_from_weight),
    ):
        monkeypatch.setattr(search, name, value)
    rng = random.Random(6)
    alphabet = ["企业", "登记", "信息", "数据", "名称", "编号", "业登", "记信", "台账", "人口"]
    now = datetime.now(UTC)
    async with app.state.sessionmaker() as session, session.begin():
        await session.execute(
            insert(Department), [{"code": "D001", "name": "部门", "created_at": now}]
        )
        ids = [f"r{n:04d}" for n in range(400)]
        await session.execute(
            insert(Resource),
            [
                {
                    "id": rid,
                    "department": "D001",
                    "code": rid,
                    "status": "published",
                    "published_version": 1,
                    "created_at": now,
                }
                for rid in ids
            ],
        )
        postings: list[tuple[str, str, int]] = []
        for rid in ids:
            held = rng.sample(alphabet, rng.randint(1, 6))
            # Common tokens are held by most, with low weights; rare ones with high weights.
            postings.extend((t, rid, rng.choice([1, 1, 2, 3, 4, 5, 6, 7])) for t in held)
        await session.execute(
            insert(SearchToken),
            [{"token": t, "resource_id": r, "weight": w} for t, r, w in postings],
        )
        await search.count_tokens(session, ((t, w, 1) for t, _, w in postings))

    def expected(q: str) -> list[tuple[str, int]]:
        wanted = list(dict.fromkeys(search.tokens(q)))
        need = max(1, math.ceil(len(wanted) / 2))
        held: dict[str, list[int]] = {}
        for t, r, w in postings:
            if t in wanted:
                held.setdefault(r, []).append(w)
        found = [(r, sum(ws)) for r, ws in held.items() if len(ws) >= need]
        return sorted(found, key=lambda h: (-h[1], h[0]))

    queries = ["".join(rng.sample(alphabet, rng.randint(1, 4))) for _ in range(40)]
    async with app.state.sessionmaker() as session:
        for q in [*queries, "企业登记信息", "名称", "人口台账数据"]:
            for limit, offset in ((21, 0), (5, 0), (21, 20), (50, 100)):
                got = await search.search(session, q=q, limit=limit, offset=offset)
                assert list(got) == expected(q)[offset : offset + limit], (q, limit, offset)


async def test_token_counts_follow_publication_and_withdrawal(
    app: Any, client: httpx.AsyncClient, seed: Any, as_department: dict[str, str]
) -> None:
    """The ranking reads how many resources hold each token by weight: publishing adds a
    resource's tokens to the counts and withdrawing takes them away."""
    await seed.department("D001")

    async def counts() -> tuple[dict[tuple[str, int], int], dict[tuple[str, int], int]]:
        async with app.state.sessionmaker() as session:
            held = await session.execute(
                select(SearchToken.token, SearchToken.weight, func.count()).group_by(
                    SearchToken.token, SearchToken.weight
                )
            )
            stats = (await session.execute(select(SearchTokenStat))).scalars().all()
        kept = {
            (s.token, w): getattr(s, f"weight_{w}")
            for s in stats
            for w in range(1, 8)
            if getattr(s, f"weight_{w}")
        }
        return {(t, w): n for t, w, n in held}, kept

    first = await seed.published("D001", "R1", name="企业登记信息", description="企业信息")
    await seed.published("D001", "R2", name="企业名录", description="本区企业")
    actual, kept = await counts()
    assert kept == actual and holding(kept, "企业") == 2 and holding(kept, "登记") == 1
    withdrawn = await client.post(
        f"{API}/resources/{first['id']}/withdraw", json={"reason": "停用"}, headers=as_department
    )
    assert withdrawn.status_code == 200, withdrawn.text
    actual, kept = await counts()
    assert kept == actual and holding(kept, "企业") == 1 and holding(kept, "登记") == 0


def holding(counts: dict[tuple[str, int], int], token: str) -> int:
    return sum(n for (t, _), n in counts.items() if t == token)
