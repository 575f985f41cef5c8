import uuid
from datetime import UTC, datetime
from typing import Any

import httpx

from catalog.chain.handlers import when_chain_receipt_recorded_show_it_on_the_resource
from pdp_contracts.catalog import ResourceChainRequested
from pdp_contracts.chain import ChainReceiptRecorded
from pdp_kit.events.envelope import Event

API = "/api/catalog"
ACCESS = "http://publications.europa.eu/resource/authority/access-right/"


def receipt(
    resource_id: str, version: int, status: str, tx_id: str | None = None, reason: str | None = None
) -> Event:
    payload = ChainReceiptRecorded(
        resource_id=resource_id, version=version, status=status, tx_id=tx_id, reason=reason
    )  # type: ignore[arg-type]
    return Event(
        id=str(uuid.uuid4()),
        source="/pdp/gateway",
        type=payload.event_type,
        subject=resource_id,
        time=datetime.now(UTC),
        data=payload.model_dump(mode="json"),
    )


async def handle(app: Any, event: Event) -> None:
    async with app.state.sessionmaker() as session, session.begin():
        await when_chain_receipt_recorded_show_it_on_the_resource(session, event)


async def test_the_published_catalogue_is_exported_as_dcat_with_access_rights(
    client: httpx.AsyncClient, seed: Any, as_public: dict[str, str]
) -> None:
    await seed.department("D001", "区市场监管局")
    open_data = await seed.published(
        "D001", "R1", open_type="unconditional", share_type="unconditional"
    )
    conditional = await seed.published("D001", "R2", open_type="conditional")
    closed = await seed.published(
        "D001", "R3", share_type="not_shared", share_basis="《统计法》第二十五条"
    )
    await seed.draft("D001", "R4")
    response = await client.get(f"{API}/dcat.jsonld", headers=as_public)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    document = response.json()
    assert document["@type"] == "dcat:Catalog"
    assert {"dcat", "dct", "foaf"} <= set(document["@context"])
    datasets = {d["dct:identifier"]: d for d in document["dcat:dataset"]}
    assert set(datasets) == {open_data["id"], conditional["id"], closed["id"]}
    rights = {rid: d["dct:accessRights"]["@id"] for rid, d in datasets.items()}
    assert rights == {
        open_data["id"]: ACCESS + "PUBLIC",
        conditional["id"]: ACCESS + "RESTRICTED",
        closed["id"]: ACCESS + "NON_PUBLIC",
    }
    entry = datasets[open_data["id"]]
    assert entry["@type"] == "dcat:Dataset"
    assert entry["dct:title"] == {"@value": "企业登记信息", "@language": "zh"}
    assert entry["dct:publisher"]["foaf:name"]["@value"] == "区市场监管局"
    assert entry["dct:accrualPeriodicity"]["@id"].endswith("/DAILY")

    first = (await client.get(f"{API}/dcat.jsonld", params={"limit": 2}, headers=as_public)).json()
    assert len(first["dcat:dataset"]) == 2
    next_url = first["hydra:view"]["hydra:next"]["@id"]
    rest = (
        await client.get(f"{API}/dcat.jsonld?" + next_url.split("?", 1)[1], headers=as_public)
    ).json()
    assert len(rest["dcat:dataset"]) == 1 and "hydra:view" not in rest


async def test_a_chain_receipt_is_shown_on_the_resource_and_a_redelivery_changes_nothing(
    client: httpx.AsyncClient, app: Any, seed: Any, as_public: dict[str, str], outbox: Any
) -> None:
    await seed.department("D001", "区市场监管局")
    resource = await seed.published()
    requested = await outbox.events(ResourceChainRequested.event_type)
    assert [(e.data["id"], e.data["version"], e.data["department_name"]) for e in requested] == [
        (resource["id"], 1, "区市场监管局")
    ]
    assert resource["chain"]["status"] == "pending"

    await handle(app, receipt(resource["id"], 1, "failed", reason="目录链暂不可用"))
    failed = (await client.get(f"{API}/resources/{resource['id']}", headers=as_public)).json()
    assert (failed["chain"]["status"], failed["chain"]["reason"]) == ("failed", "目录链暂不可用")

    chained = receipt(resource["id"], 1, "chained", tx_id="0xabc123")
    await handle(app, chained)
    await handle(app, chained)
    await handle(app, receipt(resource["id"], 1, "failed", reason="迟到的失败回执"))
    shown = (await client.get(f"{API}/resources/{resource['id']}", headers=as_public)).json()
    assert (shown["chain"]["status"], shown["chain"]["tx_id"]) == ("chained", "0xabc123")

    await handle(app, receipt("unknown", 1, "chained", tx_id="0x1"))  # ignored, not an error


async def test_the_catalog_subscribes_to_chain_receipts(app: Any) -> None:
    handlers = app.state.definition.subscriptions.for_type(ChainReceiptRecorded.event_type)
    assert handlers == [when_chain_receipt_recorded_show_it_on_the_resource]
