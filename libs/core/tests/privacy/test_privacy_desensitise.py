from sc_core.privacy import Sensitive, desensitise

RECORD = {
    "person_id": "p-1",
    "name": "张三",
    "id_number": "110101199003071234",
    "mobile": "13812345678",
    "face_id": "face-8f3a9b2c7d1e",
    "age": 72,
    "household": {"id": "h-1", "address": "北京市朝阳区建国路88号院3号楼2单元501室"},
    "vehicles": [{"plate": "京A12345", "color": "white"}, {"plate": "沪B54321", "color": "red"}],
}

RULES = {
    "name": "name",
    "id_number": "id_number",
    "mobile": "drop",
    "face_id": "drop",
    "household.address": "address",
    "vehicles.plate": "plate",
    "age": lambda age: f"{age // 10 * 10}s",
}


def test_mask_and_drop_by_rule_keeping_unlisted_fields():
    out = desensitise(RECORD, RULES)
    assert out == {
        "person_id": "p-1",
        "name": "张*",
        "id_number": "110***********1234",
        "age": "70s",
        "household": {"id": "h-1", "address": "北京市朝阳区建国路****"},
        "vehicles": [
            {"plate": "京A***45", "color": "white"},
            {"plate": "沪B***21", "color": "red"},
        ],
    }
    assert RECORD["mobile"] == "13812345678"  # the input is untouched


def test_allow_list_mode_drops_unlisted_fields():
    out = desensitise(RECORD, {**RULES, "person_id": "keep"}, unlisted="drop")
    assert out == {
        "person_id": "p-1",
        "name": "张*",
        "id_number": "110***********1234",
        "age": "70s",
        "household": {"address": "北京市朝阳区建国路****"},
        "vehicles": [{"plate": "京A***45"}, {"plate": "沪B***21"}],
    }


def test_sensitive_markers_work_as_rules():
    out = desensitise({"id_number": "110101199003071234"}, {"id_number": Sensitive("id_number")})
    assert out == {"id_number": "110***********1234"}
