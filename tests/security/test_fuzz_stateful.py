"""Schemathesis's stateful phase through the real gateway, per service and role: scenarios that
chain calls along the documents' OpenAPI links (``pdp_kit.openapi_links``: a creating ``POST``
to every operation that takes what it created), so an object made in one step is read, changed
and acted on in the next ones. Same checks and exclusions as the single-call run
(``test_fuzz.py``), plus the stateful ones (an object just created must be found, one deleted
must be gone). CI-sized by default; ``make fuzz`` runs more scenarios (``PDP_FUZZ_EXAMPLES``).

Only the documents' links are followed: schemathesis's own inference (from names and Location
headers) is off, since it guesses wrongly here (a department path parameter filled with a
department's ``name``) and the run should follow what a caller is told."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from schemathesis.config import SchemathesisConfig

from pdp_kit.auth.tokens import TokenIssuer

from .fuzzing import EXAMPLES, EXCLUDED, ROLES, headers_for, internal, not_rate_limited, schemas

CONFIG = SchemathesisConfig.from_dict({"phases": {"stateful": {"inference": {"algorithms": []}}}})
SCHEMAS = schemas(lambda path: not internal(path), config=CONFIG)
#: Scenarios per service and role; each is a chain of up to the configured steps.
SCENARIOS = 2 * EXAMPLES


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("service", list(SCHEMAS))
def test_chained_calls_give_no_server_errors_and_no_broken_answers_through_the_gateway(
    service: str, role: str, gateway_base: str, token_issuer: TokenIssuer
) -> None:
    headers = headers_for(token_issuer, role)
    machine: Any = SCHEMAS[service].as_state_machine()

    class ThroughTheGateway(machine):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"base_url": gateway_base, "headers": headers, "timeout": 30}

        def validate_response(
            self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            case.validate_response(
                response,
                additional_checks=[not_rate_limited],
                excluded_checks=EXCLUDED,
                transport_kwargs=kwargs,
                recorder=self.recorder,
            )

    ThroughTheGateway.run(
        settings=settings(
            max_examples=SCENARIOS,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
    )
