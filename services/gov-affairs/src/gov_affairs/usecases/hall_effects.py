"""What a step of an application brings about (split from
:mod:`gov_affairs.usecases.hall`): the row and its tasks written back, the event, on approval
the certificate and the welfare enrolment, the notifications, the audit record."""

from __future__ import annotations

from datetime import datetime

from gov_affairs.db import hall as repo
from gov_affairs.domain.approvals.calendar import CHINA
from gov_affairs.domain.hall import applications as dom
from gov_affairs.usecases.certificates import Certificates
from gov_affairs.usecases.disability_facts import with_registered_certificate
from gov_affairs.usecases.hall_found import Found
from gov_affairs.usecases.outbound import application_event, notify
from gov_affairs.usecases.welfare import Welfare
from sc_core.auth import Caller
from sc_core.db.uow import UnitOfWork


async def apply_effects(
    uow: UnitOfWork,
    certificates: Certificates,
    welfare: Welfare,
    who: Caller | None,
    found: Found,
    effects: list[dom.Effect],
    action: str,
    now: datetime,
) -> None:
    """Write the application back with its tasks, then the events, notifications,
    certificate and audit record its effects call for."""
    row, app, item = found.row, found.app, found.item
    repo.write_back(row, app)
    await uow.session.flush()
    await repo.sync_tasks(uow, row, app)
    actor = who.subject if who else None
    final = next((e for e in effects if isinstance(e, dom.Decided)), None)
    await uow.publish(
        application_event(row, action if final is None else final.outcome, actor, now),
        key=str(row.id),
    )
    code = ""
    if final is not None and final.outcome == "approved" and item.certificate is not None:
        code = await certificates.issue(uow, row, item, app, now)
        issued = await certificates.of_application(uow, row.id)
        found.certificate_id = issued.id if issued is not None else None
        if issued is not None and who is not None and who.subject == row.applicant_id:
            found.certificate = certificates.held(issued)
    if final is not None and final.outcome == "approved":
        today = now.astimezone(CHINA).date()
        facts = dom.facts_for(item, app.data, app.materials, today)
        await welfare.enrol_from(
            uow,
            item.code,
            app,
            await with_registered_certificate(uow, row.community_id, item, app.data, facts),
            community_id=row.community_id,
            grid_id=row.grid_id,
            building_id=row.building_id,
            application_id=row.id,
            today=today,
        )
    for effect in effects:
        await notify(uow, row, item, effect, now, code=code)
    await uow.audit(
        who,
        f"hall.{action}",
        "application",
        str(row.id),
        community_id=row.community_id,
        detail={"status": row.status, "number": row.number},
    )
