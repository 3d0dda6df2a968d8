"""Tasks a district or city platform sends down (issue 25 item 2, 5.2): ``POST
/api/v1/exchange/tasks`` by the client an exchange agreement names (client credentials),
``GET /api/v1/exchange/tasks`` and ``GET /api/v1/exchange/tasks/{task_id}``: what each task
became in each community and where it stands. The rules:
:mod:`gov_affairs.usecases.city_tasks`."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from gov_affairs.domain import city_tasks as words
from gov_affairs.usecases import UseCases
from gov_affairs.usecases.city_tasks import CityTasks, NewTask, Received
from sc_contracts.events import CityTaskKind
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller
from sc_core.errors import Problem
from sc_core.schema import Instant

router = APIRouter(prefix="/api/v1/exchange", tags=["exchange"])
Kind = Literal["inspection", "population_check", "warning"]
CommunityId = Annotated[str, Field(min_length=1, max_length=64)]


async def _tasks(request: Request) -> CityTasks:
    usecases: UseCases = request.app.state.usecases
    return usecases.city_tasks


TasksDep = Annotated[CityTasks, Depends(_tasks)]


class CityTaskIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    task_id: str = Field(
        min_length=1, max_length=64, description="The sender's own id of the task (idempotent)"
    )
    kind: Kind = Field(
        description="inspection (检查) or population_check (人口核查): a case in each "
        "community; warning (预警): a notice to each community's residents"
    )
    title: str = Field(min_length=1, max_length=120, description="zh-CN")
    title_en: str | None = Field(default=None, max_length=200)
    description: str = Field(min_length=1, max_length=4000)
    communities: list[CommunityId] = Field(min_length=1, max_length=50)
    building_id: str | None = Field(
        default=None, min_length=1, max_length=64, description="With one community only"
    )
    due_at: Instant | None = Field(
        default=None, description="By when (a case) or until when (a warning's notice)"
    )

    @field_validator("communities")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


class CityTaskItemRead(BaseModel):
    community_id: str
    state: str = Field(
        description="requested (passed on), a case's status (submitted, accepted, "
        "in_progress, resolved, closed ...) or published (a warning's notice)"
    )
    state_text: str = Field(description="zh-CN")
    state_text_en: str
    state_at: datetime
    work_order_id: str | None
    notice_id: uuid.UUID | None


class CityTaskRead(BaseModel):
    id: uuid.UUID
    task_id: str
    sender: str
    kind: Kind
    kind_text: str
    title: str
    title_en: str | None
    description: str
    communities: list[str]
    building_id: str | None
    due_at: datetime | None
    content_sha256: str
    received_at: datetime
    items: list[CityTaskItemRead]


def _read(found: Received) -> CityTaskRead:
    t = found.task
    return CityTaskRead(
        id=t.id,
        task_id=t.external_id,
        sender=t.sender_code,
        kind=t.kind,  # type: ignore[arg-type]
        kind_text=words.KIND_WORDS[t.kind][0],
        title=t.title,
        title_en=t.title_en,
        description=t.description,
        communities=t.communities,
        building_id=t.building_id,
        due_at=t.due_at,
        content_sha256=t.content_sha256,
        received_at=t.received_at,
        items=[
            CityTaskItemRead(
                community_id=i.community_id,
                state=i.state,
                state_text=words.state_words(i.state)[0],
                state_text_en=words.state_words(i.state)[1],
                state_at=i.state_at,
                work_order_id=i.work_order_id,
                notice_id=i.notice_id,
            )
            for i in found.items
        ],
    )


@router.post("/tasks", response_model=CityTaskRead, status_code=201)
async def receive_task(
    body: CityTaskIn, who: CurrentCaller, tasks: TasksDep, response: Response
) -> CityTaskRead:
    """A task sent down by the client an active exchange agreement names, for communities
    the agreement covers (403 ``exchange.no_agreement``, ``exchange.community_not_covered``
    otherwise). 201 when new; the same task again: 200 with what it became; the same id
    with other content: 409 ``city_task.changed``."""
    if body.building_id is not None and len(body.communities) != 1:
        raise Problem(
            422,
            "city_task.building_needs_one_community",
            "A building is named for a task of one community",
            zh="指定楼栋的任务只能针对一个社区",
        )
    found = await tasks.receive(
        who,
        NewTask(
            task_id=body.task_id,
            kind=CityTaskKind(body.kind),
            title=body.title,
            title_en=body.title_en,
            description=body.description,
            communities=body.communities,
            building_id=body.building_id,
            due_at=body.due_at,
        ),
    )
    if not found.new:
        response.status_code = 200
    return _read(found)


@router.get("/tasks", response_model=Page[CityTaskRead])
async def list_tasks(who: CurrentCaller, tasks: TasksDep, paging: Paging) -> Any:
    """The tasks the caller sent; community admins and gov officers: those naming their
    communities; platform admins and auditors: all. Newest first."""
    found, total = await tasks.page(who, paging)
    return Page[CityTaskRead].of([_read(f) for f in found], total, paging)


@router.get("/tasks/{task_id}", response_model=CityTaskRead)
async def get_task(task_id: uuid.UUID, who: CurrentCaller, tasks: TasksDep) -> CityTaskRead:
    return _read(await tasks.get(who, task_id))
