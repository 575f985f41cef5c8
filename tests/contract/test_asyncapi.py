"""The AsyncAPI 3.0 document of every topic and event type (docs/asyncapi.yaml): generated from
pdp-contracts, kept up to date, accepted by the reference AsyncAPI parser, and true of the records
the platform publishes (each one also read back by the CloudEvents SDK)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from cloudevents.core.bindings import kafka as ce_kafka
from cloudevents.core.formats.json import JSONFormat
from event_examples import example

from pdp_contracts.asyncapi import document, payload_classes, render
from pdp_kit.broker import EmbeddedBroker
from pdp_kit.events.envelope import Event

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "docs" / "asyncapi.yaml"
#: The reference parser, pinned; installed once into .tools/ by this test (CI and dev alike).
PARSER_PACKAGE = "@asyncapi/parser@3.6.6"
PARSER_DIR = ROOT / ".tools" / "npm" / "asyncapi-parser-3.6.6"
PARSE_SCRIPT = Path(__file__).with_name("parse_asyncapi.cjs")
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def test_the_committed_document_is_what_the_contracts_generate() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == render(), (
        "docs/asyncapi.yaml is stale: .venv/bin/python -m pdp_contracts.asyncapi "
        "> docs/asyncapi.yaml"
    )


def test_every_event_type_and_topic_is_in_the_document() -> None:
    doc = document()
    types = {cls.event_type for cls in payload_classes()}
    assert set(doc["components"]["messages"]) == types
    listed = {name for channel in doc["channels"].values() for name in channel["messages"]}
    assert listed == types
    topics = {cls.destination() for cls in payload_classes()}
    assert set(doc["channels"]) == topics
    assert {"pdp.catalog.events", "pdp.gateway.netlog", "pdp.audit.events"} <= topics


@pytest.fixture(scope="module")
def asyncapi_parser() -> Path:
    """node_modules holding the pinned @asyncapi/parser (installed with npm on first use)."""
    modules = PARSER_DIR / "node_modules"
    if (modules / "@asyncapi" / "parser").is_dir():
        return modules
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        if os.environ.get("CI"):
            pytest.fail("node and npm are needed for the AsyncAPI parser")
        pytest.skip("node and npm are not installed")
    staging = PARSER_DIR.with_name(f"{PARSER_DIR.name}.{uuid.uuid4().hex[:8]}")
    staging.mkdir(parents=True)
    subprocess.run(
        [
            npm,
            "install",
            "--prefix",
            str(staging),
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            "--no-save",
            PARSER_PACKAGE,
        ],
        check=True,
        timeout=300,
    )
    try:
        staging.rename(PARSER_DIR)
    except OSError:  # another process installed it meanwhile
        shutil.rmtree(staging, ignore_errors=True)
    return modules


def test_the_reference_asyncapi_parser_accepts_the_document(asyncapi_parser: Path) -> None:
    node = shutil.which("node")
    assert node is not None
    result = subprocess.run(
        [node, str(PARSE_SCRIPT), str(asyncapi_parser), str(COMMITTED)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    # Severity 0 is an error, 1 a warning; 2 and 3 are hints (e.g. "3.1.0 is out").
    problems = [d for d in summary["diagnostics"] if d["severity"] <= 1]
    assert summary["parsed"], summary["diagnostics"]
    assert problems == []
    assert len(summary["messages"]) == len(payload_classes())


def test_a_broken_document_is_refused_by_the_same_parser(
    asyncapi_parser: Path, tmp_path: Path
) -> None:
    """The parser run above does reject: a message reference to nowhere is an error."""
    doc = document()
    channel = next(iter(doc["channels"].values()))
    channel["messages"]["ghost"] = {"$ref": "#/components/messages/ghost"}
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(doc), encoding="utf-8")
    node = shutil.which("node")
    assert node is not None
    result = subprocess.run(
        [node, str(PARSE_SCRIPT), str(asyncapi_parser), str(broken)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    summary = json.loads(result.stdout)
    assert not summary["parsed"] or any(d["severity"] == 0 for d in summary["diagnostics"])


def message_validator(doc: dict[str, Any], event_type: str) -> jsonschema.Validator:
    schema = {**doc, **doc["components"]["messages"][event_type]["payload"]}
    schema.pop("asyncapi")
    checker = jsonschema.Draft7Validator.FORMAT_CHECKER
    return jsonschema.Draft7Validator(schema, format_checker=checker)


def sample_events() -> list[Event]:
    doc = document()
    events = []
    for cls in payload_classes():
        data_schema = doc["components"]["messages"][cls.event_type]["payload"]["allOf"][1]
        data = example(data_schema["properties"]["data"], doc)
        payload = cls.model_validate(data)
        events.append(
            Event.of(
                payload,
                subject=f"subject-{cls.__name__}",
                actor="pdp-contract-test",
                department="D001",
                traceparent=TRACEPARENT,
            )
        )
    return events


@pytest.mark.broker
async def test_one_event_of_every_type_on_the_broker_matches_the_document_and_cloudevents(
    broker: EmbeddedBroker,
) -> None:
    doc = document()
    events = {event.id: event for event in sample_events()}
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, enable_idempotence=False)
    await producer.start()
    try:
        for event in events.values():
            key, value, headers = event.encode()
            topic = next(c.destination() for c in payload_classes() if c.event_type == event.type)
            await producer.send_and_wait(topic, value, key=key, headers=headers)
    finally:
        await producer.stop()

    consumer = AIOKafkaConsumer(
        *sorted(doc["channels"]),
        bootstrap_servers=broker.bootstrap,
        group_id=f"contract-{uuid.uuid4().hex}",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    records: dict[str, Any] = {}
    try:
        deadline = asyncio.get_running_loop().time() + 60
        while len(records) < len(events) and asyncio.get_running_loop().time() < deadline:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                for record in batch:
                    body = json.loads(record.value or b"{}")
                    if body.get("id") in events:
                        records[body["id"]] = record
    finally:
        await consumer.stop()
    assert len(records) == len(events)

    for event_id, record in records.items():
        event = events[event_id]
        body = json.loads(record.value)
        errors = [e.message for e in message_validator(doc, event.type).iter_errors(body)]
        assert errors == [], (event.type, errors)
        assert record.key == event.subject.encode()
        headers = {name: value for name, value in record.headers}
        assert headers["content-type"].decode().startswith("application/cloudevents+json")
        parsed = ce_kafka.from_structured(
            ce_kafka.KafkaMessage(headers=headers, key=record.key, value=record.value),
            JSONFormat(),
        )
        assert parsed.get_type() == event.type
        assert parsed.get_id() == event_id
        assert parsed.get_source() == f"/pdp/{event.type.split('.')[4]}"
        assert parsed.get_extension("traceparent") == TRACEPARENT


def test_a_record_that_breaks_its_payload_schema_is_caught() -> None:
    """The validation above bites: a payload missing a required field fails it."""
    doc = document()
    event = sample_events()[0]
    body = json.loads(event.encode()[1])
    envelope = doc["components"]["messages"][event.type]["payload"]["allOf"][1]
    name = envelope["properties"]["data"]["$ref"].rsplit("/", 1)[1]
    missing = doc["components"]["schemas"][name]["required"][0]
    body["data"].pop(missing)
    assert list(message_validator(doc, event.type).iter_errors(body))
