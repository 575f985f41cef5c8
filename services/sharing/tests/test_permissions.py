"""Each side acts only on its own part (DOMAIN: object-level rule): a provider action by the
requester is 403, by a third department 404; a requester action by anyone else likewise; a data
call by anyone but the holder — the provider and the bureau included."""

from typing import Any

import pytest

Sharing = Any
API = "/api/sharing"

PROVIDER_ACTIONS = [
    ("materials-notice", {"missing": ["法律依据"]}),
    ("extension", {"working_days": 2, "reason": "需会商"}),
    ("approve", None),
    ("reject", {"reason": "无依据"}),
]


@pytest.mark.parametrize(("action", "body"), PROVIDER_ACTIONS)
async def test_a_provider_action_by_the_requester_or_a_third_department_is_refused(
    sharing: Sharing, action: str, body: Any
) -> None:
    rid = (await sharing.submit())["id"]
    await sharing.post(f"/requests/{rid}/{action}", sharing.requester, body, status=403)
    await sharing.post(f"/requests/{rid}/{action}", sharing.third, body, status=404)
    await sharing.post(f"/requests/{rid}/{action}", sharing.bureau, body, status=403)
    assert (await sharing.get(f"/requests/{rid}"))["status"] == "submitted"


async def test_a_resubmission_by_anyone_but_the_requester_is_refused(sharing: Sharing) -> None:
    rid = (await sharing.submit())["id"]
    await sharing.post(f"/requests/{rid}/materials-notice", sharing.provider, {"missing": ["x"]})
    body = {"materials": "补充"}
    await sharing.post(f"/requests/{rid}/materials", sharing.provider, body, status=403)
    await sharing.post(f"/requests/{rid}/materials", sharing.bureau, body, status=403)
    await sharing.post(f"/requests/{rid}/materials", sharing.third, body, status=404)
    assert (await sharing.get(f"/requests/{rid}"))["status"] == "materials_requested"


async def test_a_department_requests_only_for_itself(sharing: Sharing) -> None:
    response = await sharing.client.post(
        f"{API}/requests", json=sharing.body(requester="D003"), headers=sharing.requester
    )
    assert response.status_code == 403
    response = await sharing.client.post(
        f"{API}/requests", json=sharing.body(), headers=sharing.bureau
    )
    assert response.status_code == 403


async def test_a_third_department_neither_reads_nor_lists_a_request_or_its_grant(
    sharing: Sharing,
) -> None:
    grant = await sharing.grant()
    rid = grant["request_id"]
    for path in (f"/requests/{rid}", f"/requests/{rid}/notices", f"/grants/{grant['id']}"):
        assert (await sharing.client.get(f"{API}{path}", headers=sharing.third)).status_code == 404
        for reader in (sharing.requester, sharing.provider, sharing.bureau):
            assert (await sharing.client.get(f"{API}{path}", headers=reader)).status_code == 200
    for path in ("/requests", "/grants"):
        listed = await sharing.get(path, sharing.third)
        assert listed["items"] == []


@pytest.mark.parametrize(
    ("action", "body"), [("justification", {"reason": "季度核验"}), ("terminate", None)]
)
async def test_a_holder_action_by_anyone_else_is_refused(
    sharing: Sharing, action: str, body: Any
) -> None:
    grant = await sharing.grant()
    path = f"/grants/{grant['id']}/{action}"
    await sharing.post(path, sharing.provider, body, status=403)
    await sharing.post(path, sharing.bureau, body, status=403)
    await sharing.post(path, sharing.third, body, status=404)
    assert (await sharing.get(f"/grants/{grant['id']}"))["status"] == "active"


@pytest.mark.parametrize("action", ["suspend", "reinstate"])
async def test_misuse_handling_by_the_holder_or_a_third_department_is_refused(
    sharing: Sharing, action: str
) -> None:
    grant = await sharing.grant()
    path = f"/grants/{grant['id']}/{action}"
    body = {"reason": "超范围使用", "rectify_by": "2026-07-01"}
    await sharing.post(path, sharing.requester, body, status=403)
    await sharing.post(path, sharing.third, body, status=404)
    assert (await sharing.get(f"/grants/{grant['id']}"))["status"] == "active"


async def test_a_data_call_by_anyone_but_the_holder_is_refused(sharing: Sharing) -> None:
    grant = await sharing.grant()
    path = f"{API}/grants/{grant['id']}/data"
    for caller, status in (
        (sharing.provider, 403),
        (sharing.bureau, 403),
        (sharing.third, 404),
        (sharing.auth.headers("cyberspace"), 403),
    ):
        assert (await sharing.client.get(path, headers=caller)).status_code == status
    assert (await sharing.get(f"/grants/{grant['id']}"))["last_called_at"] is None
