from datetime import date, datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field

from pdp_kit.db import UTCDateTime, utcnow
from registry.tables import RegistryTable


class Authorisation(RegistryTable, table=True):
    """What the bureau authorised an operator to do (Art. 27): published resources, scenarios, a
    term and the security environment the work must happen in.

    ``status``: ``active``, ``revoked`` (failed evaluation, serious breach, lost eligibility) or
    ``expired`` (its term ended). ``assessed`` holds each scenario's latest assessment result
    (``pass`` or ``fail``); a scenario without one is not yet assessed and cannot be used.
    """

    __tablename__ = "authorisation"

    id: str = Field(primary_key=True, max_length=40)
    operator: str = Field(max_length=40, index=True)
    resources: list[str] = Field(sa_column=Column(JSON, nullable=False))
    scenarios: list[str] = Field(sa_column=Column(JSON, nullable=False))
    assessed: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    valid_from: date
    valid_until: date
    security_environment: str = Field(max_length=500)
    status: str = Field(default="active", max_length=20, index=True)
    granted_on: date
    next_evaluation_on: date
    ended_on: date | None = None
    end_cause: str | None = Field(default=None, max_length=40)
    end_reason: str | None = Field(default=None, max_length=1000)
    last_called_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ScenarioAssessment(RegistryTable, table=True):
    """One compliance and security-risk assessment of one scenario (Art. 27); the history stays."""

    __tablename__ = "scenario_assessment"

    id: str = Field(primary_key=True, max_length=40)
    authorisation_id: str = Field(max_length=40, index=True)
    scenario: str = Field(max_length=200)
    result: str = Field(max_length=10)  # pass | fail
    notes: str | None = Field(default=None, max_length=2000)
    assessed_on: date
    assessed_by: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Evaluation(RegistryTable, table=True):
    """A periodic evaluation of an authorisation (Art. 27): opened by the sweep when due
    (``open``), or recorded directly by the bureau; concluded ``passed`` or ``failed``."""

    __tablename__ = "evaluation"

    id: str = Field(primary_key=True, max_length=40)
    authorisation_id: str = Field(max_length=40, index=True)
    status: str = Field(default="open", max_length=20, index=True)
    due_on: date
    opened_on: date
    result: str | None = Field(default=None, max_length=10)
    reason: str | None = Field(default=None, max_length=2000)
    evaluated_on: date | None = None
    evaluated_by: str | None = Field(default=None, max_length=200)
