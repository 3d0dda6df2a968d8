"""An application (申请) to a service of the hall, from submission to a decision.

::

    submit ─▶ needs_more (a required material missing: the hall says at once, all of it,
      │        一次性告知) ─resubmit─▶ ...
      ├─▶ approved  (instant rule holds: 即办, no person involved)
      └─▶ in_review (the approval flow runs) ─▶ approved | rejected
                      │  a signer asks for more ─▶ needs_more ─resubmit─▶ in_review
    submitted | needs_more | in_review ─withdraw─▶ withdrawn

Eligibility that is plainly not met refuses the submission with the reasons; eligibility
that cannot be checked (a fact missing) lets it through to a person.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from gov_affairs.domain.approvals import engine
from gov_affairs.domain.forms import FieldError, validate_form
from gov_affairs.domain.hall.catalogue import MaterialDef, ServiceItem
from gov_affairs.domain.rules import evaluate
from gov_affairs.domain.text import Text
from gov_affairs.domain.welfare import DisabilityCard, WelfareError, parse_disability_card
from sc_core.validators import InvalidIdentifier, parse_id_number

Status = Literal["needs_more", "in_review", "approved", "rejected", "withdrawn"]
FINAL = frozenset({"approved", "rejected", "withdrawn"})
SYSTEM = "system"


class MaterialRequest(BaseModel):
    """A request for more material (补正通知), by the hall itself or by a signer."""

    by: str
    at: datetime
    materials: list[str]
    note: Text
    answered_at: datetime | None = None


class Step(BaseModel):
    at: datetime
    actor: str
    action: str
    detail: dict[str, Any] = Field(default_factory=dict)


class Application(BaseModel):
    item_code: str
    item_version: int
    applicant: str
    status: Status
    data: dict[str, Any]
    materials: dict[str, list[str]] = Field(default_factory=dict)  # material code -> file ids
    submitted_at: datetime
    decided_at: datetime | None = None
    instant: bool = False
    requests: list[MaterialRequest] = Field(default_factory=list)
    run: engine.Approval | None = None
    timeline: list[Step] = Field(default_factory=list)

    def open_request(self) -> MaterialRequest | None:
        return next((r for r in reversed(self.requests) if r.answered_at is None), None)


# --- effects -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MoreRequested:
    by: str
    materials: tuple[str, ...]
    note: Text


@dataclass(frozen=True)
class Decided:
    outcome: Literal["approved", "rejected", "withdrawn"]
    instant: bool = False


Effect = MoreRequested | Decided | engine.Effect


class HallError(Exception):
    """A refusal the applicant or signer reads; ``code`` is stable (``hall.<reason>``)."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        zh: str | None = None,
        reasons: list[Text] | None = None,
        errors: list[FieldError] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.zh = zh  # the same refusal in Chinese, read first (the message is English)
        self.reasons = reasons or []
        self.errors = errors or []


@dataclass
class Outcome:
    application: Application
    effects: list[Effect]


# --- facts -------------------------------------------------------------------------------


def facts_for(
    item: ServiceItem,
    data: Mapping[str, Any],
    materials: Mapping[str, list[str]],
    today: date,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """What rules see: ``form.*`` (the answers), ``materials`` (codes with a file),
    ``subject.*`` (age, sex, birth date from the subject's ID number) and whatever the
    caller knows from the register (``applicant.*``, ``place.*``)."""
    facts: dict[str, Any] = {**(extra or {})}
    facts["form"] = dict(data)
    facts["materials"] = sorted(code for code, files in materials.items() if files)
    number = data.get(item.subject_id_field) if item.subject_id_field else None
    if isinstance(number, str):
        try:
            info = parse_id_number(number, today=today)
        except InvalidIdentifier:
            pass  # the form check reports it
        else:
            facts["subject"] = {
                **facts.get("subject", {}),
                "age": info.age_on(today),
                "sex": info.sex,
                "birth_date": info.birth_date,
                "division_code": info.division_code,
            }
    card = _disability_card(item, data)
    if card is not None:
        facts["subject"] = {
            **facts.get("subject", {}),
            "disability_grade": card.grade,
            "disability_category": card.category,
            # the card is the subject's own (its first 18 characters are their ID number)
            "disability_card_holder": isinstance(number, str)
            and card.id_number == number.strip().upper(),
        }
    return facts


def _disability_card(item: ServiceItem, data: Mapping[str, Any]) -> DisabilityCard | None:
    """The 残疾人证 of the form's ``x-kind: disability_card`` field, when it parses."""
    for name, node in item.form.get("properties", {}).items():
        value = data.get(name)
        if (
            isinstance(node, dict)
            and node.get("x-kind") == "disability_card"
            and isinstance(value, str)
        ):
            try:
                return parse_disability_card(value)
            except WelfareError:
                return None  # the form check reports it
    return None


def missing_materials(
    item: ServiceItem, materials: Mapping[str, list[str]], facts: Mapping[str, Any]
) -> list[MaterialDef]:
    """Required materials without a file (a conditional one counts unless its condition is
    plainly false)."""
    out = []
    for m in item.materials:
        if not m.required or materials.get(m.code):
            continue
        if m.condition is not None and evaluate(m.condition, facts).passed is False:
            continue
        out.append(m)
    return out


# --- actions -----------------------------------------------------------------------------


def submit(
    item: ServiceItem,
    applicant: str,
    data: dict[str, Any],
    materials: dict[str, list[str]],
    ctx: engine.Context,
    today: date,
) -> Outcome:
    errors = validate_form(item.form, data)
    if errors:
        raise HallError(
            "hall.form_invalid",
            "The form has invalid fields",
            zh="表单有填写不正确的项",
            errors=errors,
        )
    _check_material_codes(item, materials)
    facts = facts_for(item, data, materials, today, ctx.facts)
    if item.eligibility is not None:
        verdict = evaluate(item.eligibility, facts)
        if verdict.passed is False:
            raise HallError(
                "hall.not_eligible",
                "The conditions of this service are not met",
                zh="不符合此事项的办理条件",
                reasons=verdict.failed,
            )
    app = Application(
        item_code=item.code,
        item_version=item.version,
        applicant=applicant,
        status="in_review",
        data=data,
        materials=materials,
        submitted_at=ctx.now,
    )
    app.timeline.append(Step(at=ctx.now, actor=applicant, action="submit"))
    effects: list[Effect] = []
    _proceed(item, app, dataclasses.replace(ctx, facts=facts), effects)
    return Outcome(app, effects)


def attach(
    item: ServiceItem, app: Application, actor: str, code: str, files: list[str]
) -> Application:
    """The applicant adds files to a material while the application waits for them."""
    _applicant_only(app, actor)
    if app.status != "needs_more":
        raise HallError(
            "hall.not_waiting_for_material",
            "Material is added when the hall asks for it",
            zh="办事大厅要求补充时才能添加材料",
        )
    material = item.material(code)
    if material is None:
        raise HallError(
            "hall.unknown_material",
            f"This service has no material '{code}'",
            zh=f"此事项没有这项材料（{code}）",
        )
    have = [*app.materials.get(code, []), *files]
    if len(have) > material.max_files:
        raise HallError(
            "hall.too_many_files",
            f"At most {material.max_files} files for this material",
            zh=f"此项材料最多 {material.max_files} 个文件",
        )
    app = app.model_copy(deep=True)
    app.materials[code] = have
    return app


def resubmit(
    item: ServiceItem,
    app: Application,
    actor: str,
    ctx: engine.Context,
    today: date,
    data: dict[str, Any] | None = None,
) -> Outcome:
    """The applicant answers the open request for more: the hall checks again."""
    _applicant_only(app, actor)
    request = app.open_request()
    if app.status != "needs_more" or request is None:
        raise HallError(
            "hall.not_waiting_for_material",
            "Nothing was asked of this application",
            zh="此申请没有被要求补充材料",
        )
    app = app.model_copy(deep=True)
    if data is not None:
        errors = validate_form(item.form, data)
        if errors:
            raise HallError(
                "hall.form_invalid",
                "The form has invalid fields",
                zh="表单有填写不正确的项",
                errors=errors,
            )
        app.data = data
    facts = facts_for(item, app.data, app.materials, today, ctx.facts)
    still = [c for c in request.materials if not app.materials.get(c)]
    still += [m.code for m in missing_materials(item, app.materials, facts) if m.code not in still]
    if still:
        names = [_material_name(item, c) for c in still]
        raise HallError(
            "hall.materials_missing", "Material is still missing", zh="仍缺少材料", reasons=names
        )
    request = app.open_request()
    assert request is not None
    request.answered_at = ctx.now
    app.timeline.append(Step(at=ctx.now, actor=actor, action="resubmit"))
    effects: list[Effect] = []
    ctx = dataclasses.replace(ctx, facts=facts)
    if app.run is None:
        _proceed(item, app, ctx, effects)
    else:
        out = engine.resume(app.run, actor, ctx)
        app.run = out.approval
        app.status = "in_review"
        effects += out.effects
    return Outcome(app, effects)


def act(
    item: ServiceItem,
    app: Application,
    actor: str,
    action: Literal["approve", "reject", "delegate", "request_more"],
    ctx: engine.Context,
    *,
    comment: str = "",
    to: str | None = None,
    materials: list[str] | None = None,
) -> Outcome:
    """A signer acts on the application's approval run."""
    if app.run is None or app.status != "in_review":
        raise HallError(
            "hall.not_in_review",
            "The application is not waiting for a decision",
            zh="该办件不在审核中",
        )
    facts = facts_for(
        item, app.data, app.materials, ctx.now.astimezone(ctx.calendar.tz).date(), ctx.facts
    )
    ctx = dataclasses.replace(ctx, facts=facts)
    try:
        if action in ("approve", "reject"):
            out = engine.decide(app.run, actor, action, ctx, comment)
        elif action == "delegate":
            if not to:
                raise HallError(
                    "hall.delegate_missing",
                    "Say to whom the task is delegated",
                    zh="请说明委托给谁",
                )
            out = engine.delegate(app.run, actor, to, ctx, comment)
        else:
            asked = materials or []
            unknown = [c for c in asked if item.material(c) is None]
            if unknown or not (asked or comment):
                raise HallError(
                    "hall.bad_request_more",
                    "Name the service's materials or say what is needed",
                    zh="请指明此事项的材料，或说明需要补充什么",
                )
            out = engine.request_more(app.run, actor, ctx, asked, comment)
    except engine.ApprovalError as exc:
        raise HallError(exc.code, str(exc), zh=exc.zh) from None
    app = app.model_copy(deep=True)
    app.run = out.approval
    app.timeline.append(Step(at=ctx.now, actor=actor, action=action, detail={"comment": comment}))
    effects: list[Effect] = list(out.effects)
    for effect in out.effects:
        if isinstance(effect, engine.Returned):
            note = Text(zh=effect.note or "请补充材料", en=effect.note or "Please add material")
            app.status = "needs_more"
            app.requests.append(
                MaterialRequest(by=actor, at=ctx.now, materials=list(effect.materials), note=note)
            )
            for code in effect.materials:
                app.materials[code] = []  # the files there did not do: new ones are needed
            effects.append(MoreRequested(actor, effect.materials, note))
        elif isinstance(effect, engine.Finished) and effect.outcome != "withdrawn":
            app.status = effect.outcome
            app.decided_at = ctx.now
            effects.append(Decided(effect.outcome))
    return Outcome(app, effects)


def withdraw(app: Application, actor: str, ctx: engine.Context, reason: str = "") -> Outcome:
    _applicant_only(app, actor)
    if app.status in FINAL:
        raise HallError("hall.finished", "The application is already decided", zh="该办件已办结")
    app = app.model_copy(deep=True)
    effects: list[Effect] = []
    if app.run is not None:
        out = engine.withdraw(app.run, actor, ctx, reason)
        app.run = out.approval
        effects += out.effects
    app.status = "withdrawn"
    app.decided_at = ctx.now
    app.timeline.append(Step(at=ctx.now, actor=actor, action="withdraw", detail={"reason": reason}))
    effects.append(Decided("withdrawn"))
    return Outcome(app, effects)


def tick(app: Application, ctx: engine.Context) -> Outcome:
    if app.run is None or app.status != "in_review":
        return Outcome(app, [])
    out = engine.tick(app.run, ctx)
    if not out.effects:
        return Outcome(app, [])
    app = app.model_copy(deep=True)
    app.run = out.approval
    return Outcome(app, list(out.effects))


# --- internals ---------------------------------------------------------------------------


def _proceed(
    item: ServiceItem, app: Application, ctx: engine.Context, effects: list[Effect]
) -> None:
    missing = missing_materials(item, app.materials, ctx.facts)
    if missing:
        app.status = "needs_more"
        names = "、".join(m.name.zh for m in missing)
        names_en = ", ".join(m.name.en for m in missing)
        note = Text(zh=f"请补充以下材料：{names}", en=f"Please add: {names_en}")
        codes = [m.code for m in missing]
        app.requests.append(MaterialRequest(by=SYSTEM, at=ctx.now, materials=codes, note=note))
        app.timeline.append(
            Step(at=ctx.now, actor=SYSTEM, action="request_more", detail={"materials": codes})
        )
        effects.append(MoreRequested(SYSTEM, tuple(codes), note))
        return
    if item.instant_rule is not None and evaluate(item.instant_rule, ctx.facts).passed is True:
        app.status = "approved"
        app.instant = True
        app.decided_at = ctx.now
        app.timeline.append(
            Step(
                at=ctx.now,
                actor=SYSTEM,
                action="instant_approve",
                detail={"item_version": item.version},
            )
        )
        effects.append(Decided("approved", instant=True))
        return
    try:
        out = engine.start(item.flow, app.applicant, ctx)
    except engine.ApprovalError as exc:
        raise HallError(exc.code, str(exc), zh=exc.zh) from None
    app.run = out.approval
    app.status = "in_review"
    effects += out.effects


def _applicant_only(app: Application, actor: str) -> None:
    if actor != app.applicant:
        raise HallError(
            "hall.not_applicant", "Only the applicant may do this", zh="只有申请人可以这样做"
        )


def _check_material_codes(item: ServiceItem, materials: Mapping[str, list[str]]) -> None:
    for code, files in materials.items():
        m = item.material(code)
        if m is None:
            raise HallError(
                "hall.unknown_material",
                f"This service has no material '{code}'",
                zh=f"此事项没有这项材料（{code}）",
            )
        if len(files) > m.max_files:
            raise HallError(
                "hall.too_many_files",
                f"At most {m.max_files} files for this material",
                zh=f"此项材料最多 {m.max_files} 个文件",
            )


def _material_name(item: ServiceItem, code: str) -> Text:
    m = item.material(code)
    return m.name if m else Text(zh=code, en=code)
