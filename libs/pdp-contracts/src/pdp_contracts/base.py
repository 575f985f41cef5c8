"""What every event payload shares: its versioned CloudEvents type and the topic it travels on."""

from __future__ import annotations

from typing import Any, ClassVar

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


_BY_TYPE: dict[str, type[EventPayload]] = {}


class EventPayload(BaseModel):
    """The ``data`` of one event type. Consumers ignore fields they do not know."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    event_type: ClassVar[str]
    topic: ClassVar[str | None] = None

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if "event_type" in cls.__dict__:
            _BY_TYPE[cls.event_type] = cls

    @classmethod
    def producer(cls) -> str:
        return producer_of(cls.event_type)

    @classmethod
    def destination(cls) -> str:
        return cls.topic or events_topic(cls.producer())


def payload_class(type_: str) -> type[EventPayload] | None:
    """The payload class registered for an event type (its module imported), if any."""
    return _BY_TYPE.get(type_)


def topic_of(type_: str) -> str:
    """The topic events of this type travel on (the payload's own, or its producer's events)."""
    payload = _BY_TYPE.get(type_)
    return payload.destination() if payload else events_topic(producer_of(type_))
