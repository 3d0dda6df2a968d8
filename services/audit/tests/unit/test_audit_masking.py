"""Personal data inside records is masked for readers of the trail (auditors and
platform admins see INTERNAL), the way the platform masks it elsewhere."""

from __future__ import annotations

from audit.domain.masking import mask_record

from sc_core.privacy import Grade, grade_for

AUDITOR = grade_for(["auditor"])


def record(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "actor_id": "u-1",
        "resource_id": "p-1",
        "source_ip": "203.0.113.9",
        "action": "person.update",
        "detail": {},
    }
    base.update(fields)
    return base


def test_auditors_and_platform_admins_read_at_internal_grade() -> None:
    assert AUDITOR == Grade.INTERNAL == grade_for(["platform_admin"])


def test_phones_id_numbers_emails_and_plates_inside_text_are_masked() -> None:
    out = mask_record(
        record(
            resource_id="13812345678",
            detail={
                "note": "called +86 139 1234 5678 about 110101199003071234",
                "contact": "zhangsan@example.com",
                "vehicle": "京A12345 left",
                "count": "12345678901234567890",
            },
        ),
        AUDITOR,
    )
    assert out["resource_id"] == "138****5678"
    assert out["detail"]["note"] == "called +86 139****5678 about 110***********1234"
    assert out["detail"]["contact"] == "z***@example.com"
    assert out["detail"]["vehicle"] == "京A***45 left"
    assert out["detail"]["count"] == "12345678901234567890"  # 20 digits: no ID number


def test_identifiers_are_not_taken_for_phone_numbers() -> None:
    # eleven digits starting 19 inside a UUID's last group (found by the reliability
    # suite: the masked id no longer matched the work order it named)
    work_order = "02b2f63a-d006-4b4a-8ad7-d19712347281"
    out = mask_record(record(resource_id=work_order, detail={"ref": "wo-13812345678x"}), AUDITOR)
    assert out["resource_id"] == work_order
    assert out["detail"]["ref"] == "wo-13812345678x"
    phone_in_text = mask_record(record(detail={"note": "电话13812345678已联系"}), AUDITOR)
    assert phone_in_text["detail"]["note"] == "电话138****5678已联系"


def test_detail_keys_that_name_personal_data_are_masked_whatever_the_value() -> None:
    out = mask_record(
        record(detail={"name": "张三", "new_phone": "010-12345678", "field": "name"}), AUDITOR
    )
    assert out["detail"] == {"name": "张*", "new_phone": "010-****5678", "field": "name"}


def test_what_the_trail_needs_is_kept() -> None:
    out = mask_record(record(), AUDITOR)
    assert out["source_ip"] == "203.0.113.9"
    assert out["actor_id"] == "u-1"
    assert out["action"] == "person.update"


def test_a_reader_whose_grade_reaches_the_data_sees_it() -> None:
    out = mask_record(record(resource_id="13812345678"), Grade.SENSITIVE)
    assert out["resource_id"] == "13812345678"
