"""The envelope reads what the CloudEvents SDK writes, and refuses what is not a platform event."""

import base64
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from cloudevents.core.bindings import kafka as ce_kafka
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

from pdp_contracts.catalog import DepartmentCreated
from pdp_kit.events.envelope import Event, MalformedEvent

TYPE = DepartmentCreated.event_type


def event() -> Event:
    return Event.of(
        DepartmentCreated(code="D001", name="区大数据中心"),
        subject="D001",
        actor="pdp-demo",
        department="D001",
        traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    )


def sdk_record(attributes: dict[str, Any], data: Any) -> bytes:
    """A record written by the CloudEvents SDK itself, not by the envelope."""
    message = ce_kafka.to_structured(CloudEvent(attributes, data), JSONFormat())
    return message.value


def test_an_event_reads_back_as_it_was_written() -> None:
    sent = event()
    _, value, _ = sent.encode()
    assert Event.decode(value) == sent


def test_a_record_the_sdk_wrote_is_read_with_its_extensions_and_zoned_time() -> None:
    moment = datetime(2026, 10, 1, 8, 30, tzinfo=timezone(timedelta(hours=8)))
    value = sdk_record(
        {
            "id": "e-1",
            "source": "/pdp/catalog",
            "type": TYPE,
            "subject": "D001",
            "time": moment,
            "datacontenttype": "application/json",
            "actor": "pdp-demo",
            "region": "changning",
        },
        {"code": "D001", "name": "区大数据中心"},
    )
    read = Event.decode(value)
    assert (read.id, read.source, read.type, read.subject) == ("e-1", "/pdp/catalog", TYPE, "D001")
    assert read.time == moment and read.time.astimezone(UTC).hour == 0
    assert read.actor == "pdp-demo" and read.department is None
    assert read.extensions == {"region": "changning"}
    assert read.data == {"code": "D001", "name": "区大数据中心"}


def test_data_may_come_as_base64() -> None:
    document = json.loads(event().encode()[1])
    data = document.pop("data")
    document["data_base64"] = base64.b64encode(json.dumps(data).encode()).decode()
    assert Event.decode(json.dumps(document).encode()).data == data


def _edited(**changes: Any) -> bytes:
    document = json.loads(event().encode()[1])
    for name, value in changes.items():
        if value is ...:
            document.pop(name, None)
        else:
            document[name] = value
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (b"", "empty"),
        (b"not json", "not a CloudEvents"),
        (b"[1, 2]", "not an object"),
        (_edited(specversion="0.3"), "specversion"),
        (_edited(id=...), "id is missing"),
        (_edited(source=""), "source is missing"),
        (_edited(type=7), "type is missing"),
        (_edited(subject=...), "subject"),
        (_edited(type="catalog.nothing.v9"), "catalog.nothing.v9"),
        (_edited(time="yesterday"), "RFC 3339"),
        (_edited(time="2026-10-01T08:30:00"), "no offset"),
        (_edited(data=[1]), "JSON object"),
        (_edited(data="{not json"), "not JSON"),
        (_edited(data=..., data_base64="%%%"), "base64"),
        (_edited(**{"Bad-Name": "x"}), "extension"),
        (_edited(region={"nested": True}), "extension"),
    ],
)
def test_what_is_not_a_platform_event_is_malformed(value: bytes, reason: str) -> None:
    with pytest.raises(MalformedEvent, match=reason):
        Event.decode(value)
