"""Lists mask, a reveal shows one field of one record for a stated purpose.

Data minimisation (issue 30, 8): a list of persons, accounts or visitor passes never shows
an ID number, phone or face id in clear, whatever the caller's role (only the caller's own
record or household's). A role whose grade covers a field asks for it one record at a
time with a purpose (``POST .../{id}/reveal``); the service audits that reveal as the read
(``<resource>.reveal``, the field and the purpose in the detail)::

    items = [mask_listed(read(p), grade, self_or_household=own(p)) for p in rows]

    @router.post("/api/v1/persons/{person_id}/reveal")
    async def reveal(person_id, body: RevealRequest, ...) -> Revealed:
        marker = revealable(PersonRead, body.field, grade, self_or_household=own)
        ...audit action="person.reveal", detail=reveal_detail(body)...
        return Revealed(field=body.field, value=getattr(person, body.field))
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, Field

from sc_core.errors import Forbidden, Problem
from sc_core.privacy.grades import Grade
from sc_core.privacy.sensitive import Sensitive, Spec, mask_model, sensitive_fields

# What a list never shows in clear, whoever asks (the kinds of Sensitive markers).
LISTED_MASKED_KINDS = frozenset({"id_number", "mobile", "phone", "face_id"})

T = TypeVar("T", bound=BaseModel | Mapping[str, Any])

# How a refusal names a revealable field to a person (never the field's key).
_FIELD_WORDS = {
    "name": "姓名",
    "visitor_name": "访客姓名",
    "birth_date": "出生日期",
    "id_number": "证件号码",
    "card_no": "卡号",
    "phone": "手机号",
    "mobile": "手机号",
    "visitor_phone": "访客手机号",
    "face_id": "人脸信息",
    "plate": "车牌号",
    "address": "联系方式",
}


def mask_listed(
    obj: T, grade: Grade | int, *, self_or_household: bool = False, spec: Spec | None = None
) -> T:
    """:func:`mask_model` for an item of a list: also masks ID numbers, phones and face ids
    the caller's grade would show, unless the record is the caller's own or household's.
    ``obj`` may be a plain item (a dict of its read model's fields, ``spec`` that model) for
    a list serialised once (``sc_core.paging.page_json``)."""
    always = frozenset() if self_or_household else LISTED_MASKED_KINDS
    return mask_model(
        obj, grade, self_or_household=self_or_household, spec=spec, always_masked=always
    )


class RevealRequest(BaseModel):
    """One field of one record, and why it is needed (kept in the audit trail)."""

    field: str = Field(min_length=1, max_length=32, description="the field to show in clear")
    purpose: str = Field(
        min_length=4, max_length=200, description="why it is needed (e.g. 核实身份 for a case)"
    )


class Revealed(BaseModel):
    field: str
    value: str | None


def revealable(
    model: type[BaseModel], field: str, grade: Grade | int, *, self_or_household: bool = False
) -> Sensitive:
    """The field's marker when a caller of ``grade`` may reveal it; 422
    ``privacy.not_revealable`` for a field that is not sensitive, 403
    ``privacy.reveal_not_allowed`` when the caller's roles do not cover its grade."""
    marker = sensitive_fields(model).get(field)
    if marker is None:
        raise Problem(
            422,
            "privacy.not_revealable",
            f"{field} is not a field that is revealed",
            zh="所请求的信息不提供明文查看",
        )
    if not marker.visible_to(grade, self_or_household=self_or_household):
        raise Forbidden(
            "privacy.reveal_not_allowed",
            f"Your role may not see {field}",
            zh=f"您的角色无权查看{_FIELD_WORDS.get(field, '该信息')}",
        )
    return marker


def reveal_detail(body: RevealRequest) -> dict[str, str]:
    """The audit record's detail of a reveal."""
    return {"field": body.field, "purpose": body.purpose}
