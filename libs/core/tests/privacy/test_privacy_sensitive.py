import datetime
import uuid
from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel

from sc_core.privacy import Grade, Sensitive, mask_model, sensitive_fields
from sc_core.privacy.reveal import mask_listed


class PersonRead(BaseModel):
    id: str
    community: str
    name: Annotated[str, Sensitive("name")]
    mobile: Annotated[str | None, Sensitive("mobile")] = None
    id_number: Annotated[str, Sensitive("id_number")]
    plate: Annotated[str | None, Sensitive("plate")] = None
    note: Annotated[str | None, Sensitive("text")] = None
    face_id: Annotated[str | None, Sensitive("face_id")] = None
    health: Annotated[str | None, Sensitive("redact", grade=Grade.SENSITIVE)] = None


class HouseholdRead(BaseModel):
    id: str
    address: Annotated[str, Sensitive("address")]
    members: list[PersonRead]
    owner: PersonRead | None = None


PERSON = PersonRead(
    id="p-1",
    community="阳光社区",
    name="欧阳娜娜",
    mobile="13812345678",
    id_number="110101199003071234",
    plate="京A12345",
    note="独居老人，需要每周探访",
    face_id="face-8f3a9b2c7d1e",
    health="高血压",
)

UNMASKED = PERSON.model_dump()
PERSONAL_MASKED = {
    "name": "欧阳**",
    "mobile": "138****5678",
    "plate": "京A***45",
}
SENSITIVE_MASKED = {
    "id_number": "110***********1234",
    "face_id": "****7d1e",
    "health": None,
}
INTERNAL_MASKED = {"note": "****"}


@pytest.mark.parametrize(
    ("grade", "expected"),
    [
        (Grade.PUBLIC, {**UNMASKED, **INTERNAL_MASKED, **PERSONAL_MASKED, **SENSITIVE_MASKED}),
        (Grade.INTERNAL, {**UNMASKED, **PERSONAL_MASKED, **SENSITIVE_MASKED}),
        (Grade.PERSONAL, {**UNMASKED, **SENSITIVE_MASKED}),
        (Grade.SENSITIVE, UNMASKED),
    ],
)
def test_mask_model_per_grade(grade, expected):
    masked = mask_model(PERSON, grade)
    assert isinstance(masked, PersonRead)
    assert masked.model_dump() == expected
    assert PERSON.model_dump() == UNMASKED  # the original is untouched


def test_self_or_household_shows_personal_data_but_not_internal_notes():
    # a resident (INTERNAL) reading their own household's member
    assert mask_model(PERSON, Grade.INTERNAL, self_or_household=True).model_dump() == UNMASKED
    # an anonymous-grade caller on their own record: personal data yes, internal notes no
    masked = mask_model(PERSON, Grade.PUBLIC, self_or_household=True)
    assert masked.model_dump() == {**UNMASKED, **INTERNAL_MASKED}


def test_allow_unmasked_returns_everything():
    assert mask_model(PERSON, Grade.PUBLIC, allow_unmasked=True).model_dump() == UNMASKED


def test_nested_models_and_lists_are_masked():
    household = HouseholdRead(
        id="h-1",
        address="北京市朝阳区建国路88号院3号楼2单元501室",
        members=[PERSON, PERSON.model_copy(update={"name": "张三"})],
        owner=PERSON,
    )
    masked = mask_model(household, Grade.PERSONAL)
    assert masked.address == "北京市朝阳区建国路88号院3号楼2单元501室"
    assert [m.id_number for m in masked.members] == ["110***********1234"] * 2
    assert [m.name for m in masked.members] == ["欧阳娜娜", "张三"]
    assert masked.owner is not None
    assert masked.owner.id_number == "110***********1234"
    staff_view = mask_model(household, Grade.INTERNAL)
    assert staff_view.address == "北京市朝阳区建国路****"
    assert [m.name for m in staff_view.members] == ["欧阳**", "张*"]


class Envelope(BaseModel):
    """Fields of every declared shape: masking looks inside those that may hold a model
    (worked out once per class) and never misses one behind ``Any`` or a union."""

    at: datetime.datetime
    ref: uuid.UUID
    kind: Literal["a", "b"] = "a"
    count: int | None = None
    anything: Any = None
    pair: tuple[PersonRead, ...] = ()
    by_role: dict[str, PersonRead] = {}
    either: PersonRead | str | None = None


def test_a_model_behind_any_a_tuple_a_mapping_or_a_union_is_masked():
    at, ref = datetime.datetime(2026, 12, 6, 9, 0), uuid.uuid4()
    envelope = Envelope(
        at=at,
        ref=ref,
        count=3,
        anything=PERSON,
        pair=(PERSON,),
        by_role={"owner": PERSON},
        either=PERSON,
    )
    masked = mask_model(envelope, Grade.PERSONAL)
    assert masked.anything.id_number == "110***********1234"
    assert [p.id_number for p in masked.pair] == ["110***********1234"]
    assert masked.by_role["owner"].id_number == "110***********1234"
    assert isinstance(masked.either, PersonRead)
    assert masked.either.id_number == "110***********1234"
    assert (masked.at, masked.ref, masked.kind, masked.count) == (at, ref, "a", 3)
    assert envelope.anything.id_number == "110101199003071234"  # the original is untouched


def test_a_list_masks_ids_and_phones_for_every_grade_but_its_own_household():
    listed = mask_listed(PERSON, Grade.SENSITIVE)
    assert listed.model_dump() == {
        **UNMASKED,
        "mobile": "138****5678",
        "id_number": "110***********1234",
        "face_id": "****7d1e",
    }
    assert mask_listed(PERSON, Grade.INTERNAL, self_or_household=True).model_dump() == UNMASKED
    # below the grade the usual masking applies as well
    assert mask_listed(PERSON, Grade.INTERNAL).name == "欧阳**"


def test_dicts_need_a_spec_and_follow_it():
    record = PERSON.model_dump()
    with pytest.raises(TypeError):
        mask_model(record, Grade.PUBLIC)
    by_model = mask_model(record, Grade.PERSONAL, spec=PersonRead)
    assert by_model == {**UNMASKED, **SENSITIVE_MASKED}
    by_markers = mask_model(
        {"id_number": "110101199003071234", "other": "x"},
        Grade.PERSONAL,
        spec={"id_number": Sensitive("id_number")},
    )
    assert by_markers == {"id_number": "110***********1234", "other": "x"}
    nested = mask_model(
        {"id": "h", "address": "北京市朝阳区建国路88号", "members": [record]},
        Grade.INTERNAL,
        spec=HouseholdRead,
    )
    assert nested["address"] == "北京市朝阳区建国路****"
    assert nested["members"][0]["mobile"] == "138****5678"


def test_markers_and_json_schema():
    markers = sensitive_fields(PersonRead)
    assert set(markers) == {"name", "mobile", "id_number", "plate", "note", "face_id", "health"}
    assert markers["id_number"].level == Grade.SENSITIVE
    assert markers["mobile"].level == Grade.PERSONAL
    assert markers["note"].level == Grade.INTERNAL
    props = PersonRead.model_json_schema()["properties"]
    assert props["id_number"]["x-sensitivity"] == "sensitive"
    assert props["id_number"]["x-mask"] == "id_number"
    assert "x-sensitivity" not in props["id"]


def test_a_stricter_grade_on_a_field_overrides_the_kind_default():
    class Contact(BaseModel):
        mobile: Annotated[str, Sensitive("mobile", grade=Grade.SENSITIVE)]

    contact = Contact(mobile="13812345678")
    assert mask_model(contact, Grade.PERSONAL).mobile == "138****5678"
    assert mask_model(contact, Grade.SENSITIVE).mobile == "13812345678"
