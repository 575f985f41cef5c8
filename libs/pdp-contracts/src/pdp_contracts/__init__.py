"""Versioned event payloads: the only thing a consumer imports from a producer."""

from pdp_contracts.base import (
    TYPE_PREFIX,
    EventPayload,
    dead_letter_topic,
    event_type,
    events_topic,
    payload_class,
    producer_of,
    topic_of,
)

__all__ = [
    "TYPE_PREFIX",
    "EventPayload",
    "dead_letter_topic",
    "event_type",
    "events_topic",
    "payload_class",
    "producer_of",
    "topic_of",
]
