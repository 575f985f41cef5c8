"""Concurrent endings of one authorisation (a failed evaluation and a revocation for breach): on
PostgreSQL the second waits for the first's row lock and answers 409 (SQLite's writers run one at a
time), so the authorisation ends once and its revocation is published once, never a 500."""

import asyncio
from typing import Any

from pdp_contracts.registry import AuthorisationRevoked

Registry = Any


async def test_a_failed_evaluation_and_a_revocation_racing_end_the_authorisation_once(
    registry: Registry, outbox: Any
) -> None:
    operator, _ = await registry.operator()
    for _ in range(3):
        path = f"/api/registry/authorisations/{(await registry.authorise(operator))['id']}"
        results = await asyncio.gather(
            registry.client.post(
                f"{path}/evaluations",
                json={"result": "fail", "reason": "评估不合格"},
                headers=registry.bureau,
            ),
            registry.client.post(
                f"{path}/revoke",
                json={"cause": "serious_breach", "reason": "违约"},
                headers=registry.bureau,
            ),
        )
        assert sorted(r.status_code for r in results) == [200, 409], [r.text for r in results]
    revoked = await outbox.events(AuthorisationRevoked.event_type)
    assert len(revoked) == len({e.subject for e in revoked}) == 3
