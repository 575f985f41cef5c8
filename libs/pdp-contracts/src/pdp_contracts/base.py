"""What every event payload shares: its versioned CloudEvents type and the topic it travels on."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict

TYPE_PREFIX = "cn.gov.changning.pdp."


def event_type(service: str, aggregate: str, verb: str, version: int = 1) -> str:
    """``cn.gov.changning.pdp.<service>.<aggregate>.<past-tense-verb>.v<N>`` (ARCHITECTURE)."""
    return f"{TYPE_PREFIX}{service}.{aggregate}.{verb}.v{version}"


def producer_of(type_: str) -> str:
    """The service that publishes events of this type."""
    if not type_.startswith(TYPE_PREFIX):
        raise ValueError(f"not a platform event type: {type_}")
    return type_[len(TYPE_PREFIX) :].split(".", 1)[0]


def events_topic(service: str) -> str:
    return f"pdp.{service}.events"


def dead_letter_topic(service: str) -> str:
    return f"pdp.{service}.dlq"


class EventPayload(BaseModel):
    """The ``data`` of one event type. Consumers ignore fields they do not know."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    event_type: ClassVar[str]
    topic: ClassVar[str | None] = None

    @classmethod
    def producer(cls) -> str:
        return producer_of(cls.event_type)

    @classmethod
    def destination(cls) -> str:
        return cls.topic or events_topic(cls.producer())
