"""The AsyncAPI 3.0 document of every topic and event type, generated from the payload classes.

``python -m pdp_contracts.asyncapi > docs/asyncapi.yaml`` writes it; a contract test keeps the
committed file equal to this output, parses it with the AsyncAPI parser and validates records the
services publish against it. Each message is the whole Kafka record value: a CloudEvents 1.0
structured-mode JSON envelope (ARCHITECTURE "Events") whose ``type`` is fixed and whose ``data``
is the payload's JSON schema.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import yaml
from pydantic.json_schema import models_json_schema

from pdp_contracts.base import TYPE_PREFIX, EventPayload, producer_of

#: Every module that declares payloads; importing them registers their event types.
PAYLOAD_MODULES = ("audit", "catalog", "chain", "gateway", "opening", "registry", "sharing")
ENVELOPE = "CloudEventEnvelope"
CONTENT_TYPE = "application/cloudevents+json"
_REFS = "#/components/schemas/{model}"

_ENVELOPE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "CloudEvents 1.0, structured JSON mode (ARCHITECTURE: Events).",
    "required": ["specversion", "id", "source", "type", "subject", "time", "data"],
    "properties": {
        "specversion": {"const": "1.0"},
        "id": {"type": "string", "minLength": 1, "description": "UUID"},
        "source": {"type": "string", "pattern": "^/pdp/[a-z]+$"},
        "type": {"type": "string", "pattern": "^" + TYPE_PREFIX.replace(".", r"\.")},
        "subject": {
            "type": "string",
            "minLength": 1,
            "description": "The aggregate id, also the Kafka key.",
        },
        "time": {"type": "string", "format": "date-time"},
        "datacontenttype": {"const": "application/json"},
        "actor": {"type": "string", "description": "The client that caused the change."},
        "department": {"type": "string"},
        "traceparent": {"type": "string", "pattern": "^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-"},
        "data": {"type": "object"},
    },
}


def payload_classes() -> list[type[EventPayload]]:
    """Every payload class the contract modules define, ordered by event type. Read from the
    modules, not the registry: a process may also hold payload classes of its own (a test's)."""
    found: dict[str, type[EventPayload]] = {}
    for name in PAYLOAD_MODULES:
        module = importlib.import_module(f"pdp_contracts.{name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, EventPayload)
                and value.__module__ == module.__name__
                and "event_type" in value.__dict__
            ):
                found[value.event_type] = value
    return [found[event] for event in sorted(found)]


def _operation_id(topic: str) -> str:
    return "publish_" + topic.replace(".", "_")


def document() -> dict[str, Any]:
    classes = payload_classes()
    refs, definitions = models_json_schema(
        [(cls, "serialization") for cls in classes], ref_template=_REFS
    )
    schemas: dict[str, Any] = {ENVELOPE: _ENVELOPE_SCHEMA, **definitions.get("$defs", {})}
    messages: dict[str, Any] = {}
    channels: dict[str, Any] = {}
    for cls in classes:
        producer = producer_of(cls.event_type)
        topic = cls.destination()
        messages[cls.event_type] = {
            "name": cls.__name__,
            "title": cls.event_type,
            "summary": (cls.__doc__ or cls.__name__).strip().splitlines()[0],
            "contentType": CONTENT_TYPE,
            "headers": {
                "type": "object",
                "properties": {"content-type": {"const": CONTENT_TYPE}},
            },
            "bindings": {"kafka": {"key": {"type": "string"}, "bindingVersion": "0.5.0"}},
            "payload": {
                "allOf": [
                    {"$ref": _REFS.format(model=ENVELOPE)},
                    {
                        "type": "object",
                        "properties": {
                            "type": {"const": cls.event_type},
                            "source": {"const": f"/pdp/{producer}"},
                            "data": refs[(cls, "serialization")],
                        },
                    },
                ]
            },
        }
        channel = channels.setdefault(
            topic,
            {
                "address": topic,
                "description": f"Events published by {producer}.",
                "messages": {},
            },
        )
        channel["messages"][cls.event_type] = {
            "$ref": "#/components/messages/" + _escape(cls.event_type)
        }
    operations = {
        _operation_id(topic): {
            "action": "send",
            "channel": {"$ref": "#/channels/" + _escape(topic)},
            "messages": [
                {"$ref": f"#/channels/{_escape(topic)}/messages/{_escape(name)}"}
                for name in channel["messages"]
            ],
        }
        for topic, channel in sorted(channels.items())
    }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Changning public data platform events",
            "version": "1.0.0",
            "description": "Every domain event of every service: one topic per producer "
            "(pdp.<service>.events) and pdp.gateway.netlog. Generated from pdp-contracts.",
        },
        "defaultContentType": CONTENT_TYPE,
        "servers": {
            "kafka": {
                "host": "kafka:9092",
                "protocol": "kafka",
                "description": "PDP_KAFKA_BOOTSTRAP",
            }
        },
        "channels": dict(sorted(channels.items())),
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


def _escape(name: str) -> str:
    """A JSON pointer token (RFC 6901): event types and topics hold dots, never ``~`` or ``/``."""
    return name.replace("~", "~0").replace("/", "~1")


def render() -> str:
    text: str = yaml.safe_dump(document(), sort_keys=False, allow_unicode=True, width=100)
    return text


if __name__ == "__main__":
    sys.stdout.write(render())
