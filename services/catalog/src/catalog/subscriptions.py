"""Events the catalog consumes: event type -> handlers (one readable table).

The catalog is the source of the others' read models. It hears back from the gateway's municipal
adapter, which chains published entries (Art. 11), and from sharing about its grants: a
department holding an active grant on a resource may object to its data (Art. 6(8), 19, 20).
Grant events travel on ``pdp.sharing.events`` (the kit subscribes to the topics of the types
below). ``GrantJustified`` changes no entitlement and is not consumed.
"""

from sqlalchemy.ext.asyncio import AsyncSession

from catalog.chain.handlers import when_chain_receipt_recorded_show_it_on_the_resource
from catalog.grants.service import ACTIVE, SUSPENDED, TERMINATED, move_grant, remember_grant
from pdp_contracts.chain import ChainReceiptRecorded
from pdp_contracts.sharing import GrantCreated, GrantReinstated, GrantSuspended, GrantTerminated
from pdp_kit.events.consumer import Subscriptions
from pdp_kit.events.envelope import Event


async def when_grant_created_remember_its_holder(session: AsyncSession, event: Event) -> None:
    await remember_grant(session, event.payload(GrantCreated), at=event.time)


async def when_grant_suspended_hold_back_its_holder(session: AsyncSession, event: Event) -> None:
    suspended = event.payload(GrantSuspended)
    await move_grant(session, suspended.id, to=SUSPENDED, at=event.time, only_from=ACTIVE)


async def when_grant_reinstated_restore_its_holder(session: AsyncSession, event: Event) -> None:
    reinstated = event.payload(GrantReinstated)
    await move_grant(session, reinstated.id, to=ACTIVE, at=event.time, only_from=SUSPENDED)


async def when_grant_terminated_forget_its_holder(session: AsyncSession, event: Event) -> None:
    await move_grant(session, event.payload(GrantTerminated).id, to=TERMINATED, at=event.time)


subscriptions = Subscriptions(
    handlers={
        ChainReceiptRecorded.event_type: [when_chain_receipt_recorded_show_it_on_the_resource],
        GrantCreated.event_type: [when_grant_created_remember_its_holder],
        GrantSuspended.event_type: [when_grant_suspended_hold_back_its_holder],
        GrantReinstated.event_type: [when_grant_reinstated_restore_its_holder],
        GrantTerminated.event_type: [when_grant_terminated_forget_its_holder],
    }
)
