"""Rows and domain objects shaped into answers (what a person reads: both languages)."""

from __future__ import annotations

from dataclasses import asdict

from gov_affairs.api import hall_words
from gov_affairs.api.hall_schemas import HallCertificateRead
from gov_affairs.api.schemas import ApplicationRead, MaterialRequestRead, StepRead
from gov_affairs.domain.text import Text
from gov_affairs.usecases.hall_found import Found, data_of

STATUS = {
    "needs_more": Text(zh="待补正材料", en="waiting for more material"),
    "in_review": Text(zh="审核中", en="in review"),
    "approved": Text(zh="已办结（通过）", en="approved"),
    "rejected": Text(zh="未通过", en="not approved"),
    "withdrawn": Text(zh="已撤回", en="withdrawn"),
}
MASKED = {
    "id_number": lambda v: v[:3] + "*" * (len(v) - 7) + v[-4:] if len(v) > 7 else "***",
    "phone": lambda v: v[:3] + "****" + v[-4:] if len(v) >= 7 else "***",
    "bank_account": lambda v: "*" * (len(v) - 4) + v[-4:] if len(v) > 4 else "***",
}


def application(found: Found, *, reveal: bool, certificate_id: object = None) -> ApplicationRead:
    app, row, item = found.app, found.row, found.item
    data = data_of(found)
    if not reveal:  # staff see the sensitive answers masked
        for key, mask in MASKED.items():
            if isinstance(data.get(key), str):
                data[key] = mask(data[key])
    steps = []
    if app.run is not None:
        for step in item.flow.steps:
            state = app.run.state(step.key)
            steps.append(
                StepRead(
                    key=step.key,
                    name=step.name,
                    status=state.status,
                    due_at=state.due_at,
                    waiting_for=[t.assignee for t in state.pending()],
                )
            )
    return ApplicationRead(
        id=row.id,
        number=row.number,
        item_code=row.item_code,
        item_name=item.name,
        status=app.status,
        status_text=STATUS[app.status],
        instant=app.instant,
        community_id=row.community_id,
        applicant_id=row.applicant_id,
        data=data,
        materials=app.materials,
        requests=[
            MaterialRequestRead.model_validate(
                r.model_dump() | {"material_names": hall_words.material_names(item, r.materials)}
            )
            for r in app.requests
        ],
        steps=steps,
        submitted_at=app.submitted_at,
        decided_at=app.decided_at,
        certificate_id=certificate_id,  # type: ignore[arg-type]
        current_step=hall_words.current_step(item, app),
        history=hall_words.history(item, app),
        material_names={m.code: m.name for m in item.materials},
        certificate=(
            HallCertificateRead(**asdict(found.certificate))
            if reveal and found.certificate is not None
            else None
        ),
    )
