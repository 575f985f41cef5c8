"""The audit subscriptions behind the kit's real consumer path (inbox, savepoints), no broker."""

from typing import Any

import httpx
from audit_consuming import ParkedRecords, consumer, record
from fastapi import FastAPI

from audit.journal.service import NOT_JOURNALED
from audit.subscriptions import subscriptions
from pdp_contracts.gateway import NETLOG_TOPIC, RequestLogged, RequestsLogged
from pdp_kit.events.envelope import Event


async def test_the_kit_consumer_journals_domain_events_and_keeps_network_logs_apart(
    app: FastAPI,
    client: httpx.AsyncClient,
    as_bureau: dict[str, str],
    events: Any,
) -> None:
    parked = ParkedRecords()
    audit = consumer(app, parked)
    created = events.department_created("D001")
    submitted = events.share_request_submitted("SR-1")
    logged = events.request_logged()
    batch = [
        record(created, topic="pdp.catalog.events", offset=0),
        record(submitted, topic="pdp.sharing.events", offset=0),
        record(created, topic="pdp.catalog.events", offset=1),  # redelivered in the same batch
        record(logged, topic=NETLOG_TOPIC, offset=0),
    ]

    await audit.handle_records(batch)
    await audit.handle_records(batch[:2])  # redelivered after a lost offset commit

    journal = (await client.get("/api/audit/events", headers=as_bureau)).json()["items"]
    netlogs = (await client.get("/api/audit/netlogs", headers=as_bureau)).json()["items"]
    assert [item["id"] for item in journal] == [created.id, submitted.id]
    assert [item["id"] for item in netlogs] == [logged.id]
    assert (audit.stats.handled, audit.stats.duplicates) == (3, 3)
    assert parked.records == []


async def test_the_kit_consumer_keeps_a_data_call_as_a_usage_record_and_journals_it(
    app: FastAPI, client: httpx.AsyncClient, as_bureau: dict[str, str], events: Any
) -> None:
    parked = ParkedRecords()
    called = events.data_called("G1")
    opened = events.open_data_read("OP001")
    batch = [
        record(called, topic="pdp.sharing.events", offset=0),
        record(opened, topic="pdp.opening.events", offset=0),
    ]

    await consumer(app, parked).handle_records(batch)
    await consumer(app, parked).handle_records(batch)  # redelivered

    usage = (await client.get("/api/audit/usage-records", headers=as_bureau)).json()["items"]
    journal = (await client.get("/api/audit/events", headers=as_bureau)).json()["items"]
    assert [item["id"] for item in usage] == [called.id, opened.id]
    assert [item["id"] for item in journal] == [called.id, opened.id]
    assert parked.records == []


async def test_a_network_log_record_that_breaks_its_contract_is_parked_not_kept(
    app: FastAPI, client: httpx.AsyncClient, as_ops: dict[str, str], events: Any
) -> None:
    parked = ParkedRecords()
    logged = events.request_logged()
    broken = Event(**{**logged.__dict__, "data": {**logged.data, "status": "teapot"}})

    await consumer(app, parked).handle_records([record(broken, topic=NETLOG_TOPIC, offset=0)])

    assert [topic for topic, _ in parked.records] == ["pdp.audit.dlq"]
    assert (await client.get("/api/audit/netlogs", headers=as_ops)).json()["items"] == []


def test_audit_reads_every_domain_event_topic_and_the_network_log() -> None:
    assert subscriptions.all_topics() == {
        "pdp.catalog.events",
        "pdp.sharing.events",
        "pdp.opening.events",
        "pdp.registry.events",
        "pdp.audit.events",
        "pdp.gateway.events",
        NETLOG_TOPIC,
    }


def test_every_event_audit_handles_is_kept_under_its_id_so_no_inbox_is_needed() -> None:
    # ``already_handled`` reads the journal and the network log instead of the kit's inbox: that
    # holds while the journal takes every event but the network log's, and those go there.
    assert subscriptions.already_handled is not None
    logged = {RequestLogged.event_type, RequestsLogged.event_type}
    assert logged == NOT_JOURNALED
    assert set(subscriptions.batch_handlers) == logged
    assert subscriptions.batch_wildcard, "the journal sees every event"
