"""The one event envelope: CloudEvents 1.0, structured JSON mode, on Kafka.

``subject`` is the aggregate id and also the Kafka key, so one aggregate's events stay in order.
Extensions: ``actor`` (the client that caused it), ``department``, ``traceparent``.
"""

from __future__ import annotations

import builtins
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from cloudevents.core.bindings import kafka as ce_kafka
from cloudevents.core.exceptions import BaseCloudEventException
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
        if not value:
            raise MalformedEvent("empty record")
        try:
            ce = _FORMAT.read(CloudEvent, value)
        except (BaseCloudEventException, ValueError, TypeError, KeyError, AttributeError) as exc:
            raise MalformedEvent(f"not a CloudEvents 1.0 JSON record: {exc}") from exc
        attributes = ce.get_attributes()
        data = ce.get_data()
        if isinstance(data, (bytes, str)):
            try:
                data = json.loads(data)
            except ValueError as exc:
                raise MalformedEvent("data is not JSON") from exc
        if not isinstance(data, dict):
            raise MalformedEvent("data must be a JSON object")
        subject = ce.get_subject()
        if not subject:
            raise MalformedEvent("subject (the aggregate id) is missing")
        try:
            producer_of(ce.get_type())
        except ValueError as exc:
            raise MalformedEvent(str(exc)) from exc
        known = {"id", "source", "type", "subject", "time", "specversion", "datacontenttype"}
        named = {"actor", "department", "traceparent"}
        return cls(
            id=ce.get_id(),
            source=ce.get_source(),
            type=ce.get_type(),
            subject=subject,
            time=ce.get_time() or datetime.now(UTC),
            data=data,
            actor=attributes.get("actor"),
            department=attributes.get("department"),
            traceparent=attributes.get("traceparent"),
            extensions={k: v for k, v in attributes.items() if k not in known | named},
        )


def _subject_key(event: Any) -> str | None:
    subject = event.get_subject()
    return str(subject) if subject is not None else None
