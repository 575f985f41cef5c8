"""Objects of department D001 in every service, made through the public API as the department,
the bureau and the other parties would, with each service's events handed to the others'
subscriptions (an in-process stand-in for the broker): what the authorization matrix attacks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from service_apps import Clients

from audit.subscriptions import subscriptions as audit_subscriptions
from catalog.subscriptions import subscriptions as catalog_subscriptions
from opening.subscriptions import subscriptions as opening_subscriptions
from pdp_kit.events.consumer import Subscriptions
from pdp_kit.testing.spies import OutboxSpy, deliver
from registry.subscriptions import subscriptions as registry_subscriptions
from sharing.subscriptions import subscriptions as sharing_subscriptions

OWNER, OTHER, REQUESTER = "D001", "D002", "D003"

SUBSCRIPTIONS: dict[str, Subscriptions] = {
    "catalog": catalog_subscriptions,
    "sharing": sharing_subscriptions,
    "opening": opening_subscriptions,
    "registry": registry_subscriptions,
    "audit": audit_subscriptions,
}

FIELDS = [
    {
        "name": "credit_code",
        "title": "统一社会信用代码",
        "type": "string",
        "format": "uscc",
        "sensitive": False,
        "key": True,
    },
    {"name": "name", "title": "企业名称", "type": "string", "sensitive": False},
    {"name": "phone", "title": "联系电话", "type": "string", "format": "phone", "sensitive": True},
]


def resource_body(code: str, **overrides: Any) -> dict[str, Any]:
    return {
        "department": OWNER,
        "code": code,
        "name": "企业登记信息",
        "description": "本区企业设立、变更、注销登记的基本信息",
        "duty": "DU1",
        "system": "SY1",
        "share_type": "conditional",
        "open_type": "conditional",
        "grade": "general",
        "level": 2,
        "important": False,
        "update_frequency": "daily",
        "fields": FIELDS,
        **overrides,
    }


@dataclass
class Seeded:
    """Ids of D001's objects; ``private`` are those no other department may see."""

    ids: dict[str, str] = field(default_factory=dict)
    private: set[str] = field(default_factory=set)
    #: Roles besides the supervisors that may see a private object: the application is the
    #: municipal platform's own (it pushed it).
    also_seen_by: dict[str, set[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class Bus:
    """Hands every committed event of every service to every service's subscriptions once."""

    def __init__(self, clients: Clients) -> None:
        self.clients = clients
        self.seen: set[str] = set()

    async def pump(self) -> None:
        for _ in range(3):  # a handler's own events travel on the next round
            fresh = []
            for app in self.clients.apps.values():
                for event in await OutboxSpy(app.state.sessionmaker).events():
                    if event.id not in self.seen:
                        self.seen.add(event.id)
                        fresh.append(event)
            if not fresh:
                return
            for name, app in self.clients.apps.items():
                for event in fresh:
                    await deliver(app.state.sessionmaker, SUBSCRIPTIONS[name], event)


async def seed(clients: Clients, auth: Any) -> Seeded:
    bureau = auth.headers("bureau")
    owner = auth.department(OWNER)
    requester = auth.department(REQUESTER)
    seeded = Seeded()
    bus = Bus(clients)

    async def call(
        service: str, method: str, path: str, headers: dict[str, str], body: Any = None
    ) -> dict[str, Any]:
        response = await clients[service].request(
            method, f"/api/{service}{path}", json=body, headers=headers
        )
        if response.status_code >= 300:
            seeded.notes.append(f"{method} {path}: {response.status_code} {response.text[:200]}")
            return {}
        await bus.pump()
        return dict(response.json()) if response.content else {}

    for code in (OWNER, OTHER, REQUESTER):
        await call("catalog", "POST", "/departments", bureau, {"code": code, "name": f"部门{code}"})
    await call(
        "catalog",
        "POST",
        f"/departments/{OWNER}/duties",
        owner,
        {"code": "DU1", "name": "市场主体登记", "legal_basis": "《条例》第三条"},
    )
    await call(
        "catalog",
        "POST",
        f"/departments/{OWNER}/systems",
        owner,
        {"code": "SY1", "name": "企业登记系统"},
    )
    draft = await call("catalog", "POST", "/resources", owner, resource_body("R-DRAFT"))
    published = await call("catalog", "POST", "/resources", owner, resource_body("R-PUB"))
    if published:
        await call("catalog", "POST", f"/resources/{published['id']}/submit", owner)
        await call("catalog", "POST", f"/resources/{published['id']}/publish", bureau)
    change = await call(
        "catalog",
        "POST",
        "/changes",
        owner,
        {
            "department": OWNER,
            "reason": "职责调整",
            "occurred_on": "2026-12-01",
            "summary": "合并两项职责",
        },
    )
    request = await call(
        "sharing",
        "POST",
        "/requests",
        requester,
        {
            "resource_id": published.get("id"),
            "requester": REQUESTER,
            "legal_basis": "《上海市公共数据和一网通办管理办法》第二十五条",
            "scenario": "企业开办一件事核验",
            "fields": ["credit_code", "name"],
            "method": "api",
            "valid_until": "2027-12-31",
            "attestation": True,
        },
    )
    grant: dict[str, Any] = {}
    if request:
        grant = await call("sharing", "POST", f"/requests/{request['id']}/approve", owner)
    listing = await call(
        "opening",
        "POST",
        "/listings",
        owner,
        {
            "resource_id": published.get("id"),
            "open_type": "conditional",
            "conditions": {"allowed_scenarios": ["企业征信"]},
            "desensitisation": {"phone": "mask"},
            "update_frequency": "daily",
        },
    )
    application = await call(
        "opening",
        "POST",
        "/applications",
        auth.headers("municipal"),
        {
            "listing_id": listing.get("id"),
            "applicant": {"kind": "person", "name": "张三", "client_id": "pub-1"},
            "scenario": "企业征信",
            "materials": ["申请书"],
        },
    )
    registration = await call(
        "registry",
        "POST",
        "/registrations",
        owner,
        {
            "kind": "resource",
            "subject": "企业登记信息",
            "delivered_on": "2026-12-01",
            "department": OWNER,
            "resources": [published.get("id")],
        },
    )

    found = {
        "draft": draft.get("id"),
        "published": published.get("id"),
        "change": change.get("id"),
        "request": request.get("id"),
        "grant": grant.get("grant_id"),
        "listing": listing.get("id"),
        "application": application.get("id"),
        "registration": registration.get("id"),
    }
    seeded.ids = {name: value for name, value in found.items() if value}
    # Published resources and the open list are public by design (CONTRACT); the rest is not.
    seeded.private = {
        value for name, value in seeded.ids.items() if name not in {"published", "listing"}
    }
    if "application" in seeded.ids:
        seeded.also_seen_by[seeded.ids["application"]] = {"municipal"}
    return seeded
