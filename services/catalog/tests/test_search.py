"""Ranked Chinese search (Art. 7): summed bigram weights, ties by id, at least half the query's
bigrams."""

from typing import Any

import httpx

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
