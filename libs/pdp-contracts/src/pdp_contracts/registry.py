"""Events published by the registry service (topic ``pdp.registry.events``).

Operators (Art. 27): registered, disqualified. Authorisations (Art. 27): granted, a scenario's
compliance and security-risk assessment recorded, periodic evaluations opened and concluded,
revoked (failed evaluation, serious breach, lost eligibility), expired; and every operator data call
as a usage record for audit (Art. 34). Registrations (Art. 28): filed, completed with the data
centre, flagged overdue, deadlines recomputed when the bureau loads a calendar year, marked when the
authorisation they were made under ends. Application scenarios (Art. 29–31): recorded, updated.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from pdp_contracts.base import EventPayload, event_type
from pdp_contracts.usage import DataUsage


class OperatorRegistered(EventPayload):
    """The bureau recorded an authorised operating entity (被授权运营主体)."""

    event_type = event_type("registry", "operator", "registered")

    id: str
    name: str
    credit_code: str


class OperatorDisqualified(EventPayload):
    """The operator no longer meets the conditions of operation (Art. 27): every authorisation it
    holds is revoked with it."""

    event_type = event_type("registry", "operator", "disqualified")

    id: str
    reason: str
    authorisations: list[str] = Field(default_factory=list)


class AuthorisationGranted(EventPayload):
    """The bureau authorised an operator over published resources, for scenarios, for a term, in a
    security environment (Art. 27). No scenario is usable before its assessment passed."""

    event_type = event_type("registry", "authorisation", "granted")

    id: str
    operator: str
    resources: list[str]
    scenarios: list[str]
    valid_from: date
    valid_until: date
    security_environment: str
    next_evaluation_on: date


class ScenarioAssessed(EventPayload):
    """A scenario's compliance and security-risk assessment (Art. 27): ``result`` ``pass`` or
    ``fail``; only a passed scenario may be used."""

    event_type = event_type("registry", "authorisation", "scenario_assessed")

    id: str
    operator: str
    scenario: str
    result: str
    assessed_on: date


class EvaluationOpened(EventPayload):
    """The periodic evaluation of an authorisation is due (Art. 27; yearly by default)."""

    event_type = event_type("registry", "authorisation", "evaluation_opened")

    id: str
    operator: str
    evaluation_id: str
    due_on: date


class AuthorisationEvaluated(EventPayload):
    """The bureau concluded an evaluation: ``pass`` sets the next one, ``fail`` revokes."""

    event_type = event_type("registry", "authorisation", "evaluated")

    id: str
    operator: str
    evaluation_id: str
    result: str
    reason: str
    evaluated_on: date
    next_evaluation_on: date | None = None


class AuthorisationRevoked(EventPayload):
    """The authorisation ended before its term (Art. 27): ``cause`` ``evaluation_failed``,
    ``serious_breach`` or ``lost_eligibility``. Its data access stops at once; ``products`` are the
    registrations made under it, now marked."""

    event_type = event_type("registry", "authorisation", "revoked")

    id: str
    operator: str
    cause: str
    reason: str
    revoked_on: date
    resources: list[str] = Field(default_factory=list)
    products: list[str] = Field(default_factory=list)


class AuthorisationExpired(EventPayload):
    """The term ended: access stops the same way as on revocation."""

    event_type = event_type("registry", "authorisation", "expired")

    id: str
    operator: str
    valid_until: date
    resources: list[str] = Field(default_factory=list)
    products: list[str] = Field(default_factory=list)


class AuthorisedResourceWithdrawn(EventPayload):
    """The catalog withdrew a resource of an active authorisation (Art. 9): that resource is read
    no more under it; the rest of the authorisation stands."""

    event_type = event_type("registry", "authorisation", "resource_withdrawn")

    id: str
    operator: str
    resource_id: str
    reason: str


class AuthorisationDataCalled(DataUsage):
    """An operator read an authorised resource for an assessed scenario (Art. 27): audit keeps it
    as a usage record (Art. 34)."""

    event_type = event_type("registry", "authorisation", "data_called")


class _RegistrationEvent(EventPayload):
    """A registration and its registrant: a department or an operator."""

    id: str
    department: str | None = None
    operator: str | None = None


class RegistrationFiled(_RegistrationEvent):
    """A department registered resources it provides, or an operator a product or service it made
    (Art. 28); the first registration is due 20 working days after the delivery."""

    event_type = event_type("registry", "registration", "filed")

    kind: str
    subject: str
    authorisation: str | None = None
    resources: list[str] = Field(default_factory=list)
    delivered_on: date
    received_on: date
    due_on: date
    provisional: bool
    late: bool


class RegistrationCompleted(_RegistrationEvent):
    """The data centre completed the registration with its registrant (Art. 28)."""

    event_type = event_type("registry", "registration", "completed")

    completed_on: date
    on_time: bool


class RegistrationOverdue(_RegistrationEvent):
    """Flagged once by the sweep: not completed by ``due_on`` (Art. 28)."""

    event_type = event_type("registry", "registration", "overdue")

    due_on: date
    as_of: date


class RegistrationDeadlineRecomputed(_RegistrationEvent):
    """The bureau loaded a calendar year and an open registration's due date moved; an overdue
    flag the new date no longer supports is lifted (``overdue_cleared``)."""

    event_type = event_type("registry", "registration", "deadline_recomputed")

    due_on: date
    provisional: bool
    overdue_cleared: bool = False


class RegistrationMarked(_RegistrationEvent):
    """A product or service was made under an authorisation that ended (``cause``: the
    authorisation's revocation cause, or ``expired``)."""

    event_type = event_type("registry", "registration", "marked")

    authorisation: str
    cause: str


class ApplicationScenarioRecorded(EventPayload):
    """An application scenario built on public data (Art. 29–31)."""

    event_type = event_type("registry", "application_scenario", "recorded")

    id: str
    title: str
    field: str
    status: str
    resources: list[str] = Field(default_factory=list)
    departments: list[str] = Field(default_factory=list)
    operators: list[str] = Field(default_factory=list)


class ApplicationScenarioUpdated(ApplicationScenarioRecorded):
    """Its status, resources, departments or operators changed."""

    event_type = event_type("registry", "application_scenario", "updated")
