"""Schemathesis against the services' ``/internal/...`` operations, called directly on each
service's own URL as the platform's services call them (the gateway answers 404 for these
paths, so ``test_fuzz.py`` cannot reach them): per role, and as ``pdp-sharing``, a caller they
name. Same checks as the run through the gateway."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis

from pdp_kit.auth.principal import Role
from pdp_kit.auth.tokens import TokenIssuer

from .fuzzing import EXCLUDED, ROLES, SINGLE_CALLS, headers_for, internal, schemas
from .live import served

SCHEMAS = schemas(internal)


@pytest.fixture(scope="module")
def bases(
    service_database_urls: dict[str, str], token_issuer: TokenIssuer
) -> Iterator[dict[str, str]]:
    with served(service_database_urls, token_issuer) as running:
        yield running


@pytest.mark.parametrize("role", [*ROLES, Role.SERVICE])
@schemathesis.pytest.parametrize(**SCHEMAS)
@SINGLE_CALLS
def test_internal_operations_give_no_server_errors_and_no_broken_answers(
    case: Any, bases: dict[str, str], token_issuer: TokenIssuer, role: str
) -> None:
    service = case.path.split("/")[2]
    case.call_and_validate(
        base_url=bases[service],
        headers=headers_for(token_issuer, role),
        excluded_checks=EXCLUDED,
        timeout=30,
    )
