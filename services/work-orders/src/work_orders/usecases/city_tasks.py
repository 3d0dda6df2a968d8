"""Cases from tasks a district or city platform sent down (issue 25 item 2, 5.2): gov-affairs
receives the task under an exchange agreement and asks for one case per community it
names (``CityTaskCaseRequestedV1``); an inspection is an ``inspection`` case (巡检), a
population check a ``population_check`` case (人口核查) for the grid worker. One case per
request (its ``request_id`` is the case's external reference), whatever is redelivered;
the case's states flow back to gov-affairs on ``workorder.events.v1`` as for any case."""

from __future__ import annotations

from sc_contracts.events import CityTaskCaseRequestedV1, CityTaskKind
from sc_core.db.uow import UnitOfWork
from sc_core.places import Places
from work_orders.db import cases as repo
from work_orders.db.models import WorkOrder
from work_orders.domain.cases import NewCase
from work_orders.usecases.lifecycle import Lifecycle

CASE_TYPES = {
    CityTaskKind.INSPECTION: "inspection",
    CityTaskKind.POPULATION_CHECK: "population_check",
}
SOURCE = "city"  # the case's source: a city or district platform


class CityTasks:
    def __init__(self, places: Places, lifecycle: Lifecycle) -> None:
        self.places = places
        self.lifecycle = lifecycle

    async def open(self, uow: UnitOfWork, task: CityTaskCaseRequestedV1) -> WorkOrder | None:
        """The task's case in its community (in the consumer's unit of work); None when
        it is no case's kind or its case is open already."""
        case_type = CASE_TYPES.get(task.kind)
        if case_type is None or await repo.opened_for_ref(uow, case_type, task.request_id):
            return None
        grid = await self.places.grid_of(uow, task.building_id) if task.building_id else None
        details: dict[str, object] = {
            "title_en": (task.title_en or task.title)[:200],
            "task_id": task.task_id,
            "sender": task.sender,
            "kind": task.kind.value,
        }
        if task.due_at is not None:
            details["due_at"] = task.due_at.isoformat()
        new = NewCase(
            case_type=case_type,
            title=task.title[:200],
            description=task.description,
            community_id=task.community_id,
            grid_id=grid,
            building_id=task.building_id,
            source=SOURCE,
            external_ref=task.request_id,
            details=details,
        )
        return await self.lifecycle.open(uow, new, actor_id=None)
