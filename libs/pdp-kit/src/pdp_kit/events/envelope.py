"""The one event envelope: CloudEvents 1.0, structured JSON mode, on Kafka.

``subject`` is the aggregate id and also the Kafka key, so one aggregate's events stay in order.
Extensions: ``actor`` (the client that caused it), ``department``, ``traceparent``.

Records are written with the CloudEvents SDK. They are read with a direct check of the structured
JSON format (the required attributes, the spec version, RFC 3339 times, extension names): every
consumer reads every record of its topics, and the SDK's reader, which builds and validates a
``CloudEvent`` and parses the time with dateutil, was a quarter of the journal's ingest CPU
(bench/README.md, round 2). ``test_envelope.py`` reads the SDK's own output both ways.
"""

from __future__ import annotations

import base64
import binascii
import builtins
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from cloudevents.core.bindings import kafka as ce_kafka
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from pydantic import ValidationError

from pdp_contracts import EventPayload, producer_of

_FORMAT = JSONFormat()
P = TypeVar("P", bound=EventPayload)


class MalformedEvent(ValueError):
    """A record that is not a valid platform event; it goes to the dead-letter topic."""


@dataclass(frozen=True)
class Event:
    id: str
    source: str
    type: str
    subject: str
    time: datetime
    data: dict[str, Any]
    actor: str | None = None
    department: str | None = None
    traceparent: str | None = None
    extensions: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        payload: EventPayload,
        *,
        subject: str,
        actor: str | None = None,
        department: str | None = None,
        traceparent: str | None = None,
    ) -> Event:
        return cls(
            id=str(uuid.uuid4()),
            source=f"/pdp/{payload.producer()}",
            type=payload.event_type,
            subject=subject,
            time=datetime.now(UTC),
            data=payload.model_dump(mode="json"),
            actor=actor,
            department=department,
            traceparent=traceparent,
        )

    def payload(self, model: builtins.type[P]) -> P:
        """The data as the consumer's contract model; a mismatch is a malformed event."""
        if self.type != model.event_type:
            raise MalformedEvent(f"expected {model.event_type}, got {self.type}")
        try:
            return model.model_validate(self.data)
        except ValidationError as exc:
            raise MalformedEvent(f"data does not match {model.__name__}: {exc}") from exc

    def to_cloudevent(self) -> CloudEvent:
        attributes: dict[str, Any] = {
            "id": self.id,
            "source": self.source,
            "type": self.type,
            "subject": self.subject,
            "time": self.time,
            "datacontenttype": "application/json",
            **self.extensions,
        }
        for name in ("actor", "department", "traceparent"):
            value = getattr(self, name)
            if value is not None:
                attributes[name] = value
        return CloudEvent(attributes, self.data)

    def encode(self) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
        """Key, value and headers of the Kafka record."""
        message = ce_kafka.to_structured(self.to_cloudevent(), _FORMAT, key_mapper=_subject_key)
        headers = [(k, v) for k, v in message.headers.items()]
        return self.subject.encode(), message.value, headers

    @classmethod
    def decode(cls, value: bytes | None) -> Event:
        """A structured-mode CloudEvents 1.0 JSON record as an event; anything else is
        :class:`MalformedEvent` (the consumer dead-letters it)."""
        if not value:
            raise MalformedEvent("empty record")
        try:
            document = json.loads(value)
        except ValueError as exc:
            raise MalformedEvent(f"not a CloudEvents 1.0 JSON record: {exc}") from exc
        if not isinstance(document, dict):
            raise MalformedEvent("not a CloudEvents 1.0 JSON record: not an object")
        if document.get("specversion") != "1.0":
            raise MalformedEvent("not a CloudEvents 1.0 JSON record: specversion is not 1.0")
        for name in ("id", "source", "type"):
            if not isinstance(document.get(name), str) or not document[name]:
                raise MalformedEvent(f"not a CloudEvents 1.0 JSON record: {name} is missing")
        subject = document.get("subject")
        if not isinstance(subject, str) or not subject:
            raise MalformedEvent("subject (the aggregate id) is missing")
        try:
            producer_of(document["type"])
        except ValueError as exc:
            raise MalformedEvent(str(exc)) from exc
        extensions: dict[str, Any] = {}
        for name, attribute in document.items():
            if name in _ATTRIBUTES:
                continue
            if not _EXTENSION_NAME.fullmatch(name) or not isinstance(attribute, str | int | bool):
                raise MalformedEvent(f"not a CloudEvents 1.0 JSON record: extension {name!r}")
            extensions[name] = attribute
        return cls(
            id=document["id"],
            source=document["source"],
            type=document["type"],
            subject=subject,
            time=_time_of(document.get("time")),
            data=_data_of(document),
            actor=extensions.pop("actor", None),
            department=extensions.pop("department", None),
            traceparent=extensions.pop("traceparent", None),
            extensions=extensions,
        )


#: The context attributes CloudEvents 1.0 defines, and the JSON format's data members.
_ATTRIBUTES = frozenset(
    {"specversion", "id", "source", "type", "subject", "time", "datacontenttype", "dataschema"}
    | {"data", "data_base64"}
)
#: Extension attribute names: lower-case ASCII letters and digits (CloudEvents 1.0, naming).
_EXTENSION_NAME = re.compile(r"[a-z0-9]{1,20}")


def _time_of(value: Any) -> datetime:
    if value is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise MalformedEvent(f"time is not an RFC 3339 timestamp: {value!r}") from exc
    if moment.tzinfo is None:
        raise MalformedEvent(f"time has no offset: {value!r}")
    return moment


def _data_of(document: dict[str, Any]) -> dict[str, Any]:
    data = document.get("data")
    if data is None and isinstance(document.get("data_base64"), str):
        try:
            data = base64.b64decode(document["data_base64"], validate=True)
        except binascii.Error as exc:
            raise MalformedEvent("data_base64 is not base64") from exc
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise MalformedEvent("data is not JSON") from exc
    if not isinstance(data, dict):
        raise MalformedEvent("data must be a JSON object")
    return data


def _subject_key(event: Any) -> str | None:
    subject = event.get_subject()
    return str(subject) if subject is not None else None
