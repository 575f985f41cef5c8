"""Schemathesis's stateful phase through the real gateway, per service (and the gateway's own
document) and role: scenarios that chain calls along the documents' OpenAPI links
(``pdp_kit.openapi_links``: a creating ``POST`` to every operation that takes what it created),
so an object made in one step is read, changed and acted on in the next ones. Same checks and
exclusions as the single-call run (``test_fuzz.py``), plus the stateful ones (an object just
created must be found, one deleted must be gone). CI-sized by default; ``make fuzz`` runs more
scenarios (``PDP_FUZZ_EXAMPLES``).

Only the documents' links are followed: schemathesis's own inference (from names and Location
headers) is off, since it guesses wrongly here (a department path parameter filled with a
department's ``name``) and the run should follow what a caller is told."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.errors import FlakyStrategyDefinition
from schemathesis.config import SchemathesisConfig

from pdp_kit.auth.tokens import TokenIssuer

from .fuzzing import (
    EXAMPLES,
    EXCLUDED,
    ROLES,
    gateway_schema,
    headers_for,
    internal,
    not_rate_limited,
    schemas,
)

CONFIG = SchemathesisConfig.from_dict({"phases": {"stateful": {"inference": {"algorithms": []}}}})
SCHEMAS = {
    **schemas(lambda path: not internal(path), config=CONFIG),
    "gateway": gateway_schema(CONFIG),
}
#: Scenarios per service and role, each a chain of up to STEPS calls.
SCENARIOS = 2 * EXAMPLES
STEPS = 10
#: Runs of the machine before a run that keeps meeting changed state counts as a failure.
ATTEMPTS = 3


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("service", list(SCHEMAS))
def test_chained_calls_give_no_server_errors_and_no_broken_answers_through_the_gateway(
    service: str, role: str, gateway_base: str, token_issuer: TokenIssuer
) -> None:
    machine: Any = SCHEMAS[service].as_state_machine()
    failures: list[str] = []
    scenarios = [0]

    class ThroughTheGateway(machine):  # type: ignore[misc, valid-type]
        def setup(self) -> None:
            scenarios[0] += 1

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            # A fresh token per call: a long run (make fuzz) outlives a token's 15 minutes.
            headers = headers_for(token_issuer, role)
            return {"base_url": gateway_base, "headers": headers, "timeout": 30}

        def validate_response(
            self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            try:
                case.validate_response(
                    response,
                    additional_checks=[not_rate_limited],
                    excluded_checks=EXCLUDED,
                    transport_kwargs=kwargs,
                    recorder=self.recorder,
                )
            except Exception as failure:
                failures.append(f"{case.method} {case.path} -> {response.status_code}: {failure}")
                raise

    for attempt in range(ATTEMPTS):
        try:
            ThroughTheGateway.run(settings=run_settings(derandomize=attempt == 0))
        except FlakyStrategyDefinition:
            # Hypothesis met a choice it had made before, and the servers' state (a code taken
            # by an earlier scenario) now offered other rules after it. No check failed unless
            # ``failures`` says so; the remaining scenarios run in another attempt.
            assert not failures, "\n".join(failures)
            if scenarios[0] >= SCENARIOS:
                return
            continue
        return
    pytest.fail(f"{ATTEMPTS} runs met changed state before {SCENARIOS} scenarios had run")


def run_settings(*, derandomize: bool) -> settings:
    return settings(
        max_examples=SCENARIOS,
        stateful_step_count=STEPS,
        deadline=None,
        derandomize=derandomize,
        database=None,
        # No shrinking, as schemathesis's own runner: a replay meets the servers' state as the
        # first run left it (a code already taken), so it cannot take the same path.
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
