import pytest

from sc_core.privacy import (
    mask_address,
    mask_email,
    mask_face_id,
    mask_id_number,
    mask_mobile,
    mask_name,
    mask_plate,
    mask_value,
)


def test_id_number_keeps_first_three_and_last_four():
    assert mask_id_number("110101199003071234") == "110***********1234"
    assert mask_id_number("11010119900307123X") == "110***********123X"
    assert mask_id_number("1234567") == "*******"


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("+8613812345678", "+86 138****5678"),
        ("+86 138-1234-5678", "+86 138****5678"),
        ("008613812345678", "+86 138****5678"),
        ("010-12345678", "010-****5678"),
        ("12345", "*2345"),
    ],
)
def test_mobile(raw, masked):
    assert mask_mobile(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("张三", "张*"),
        ("李小龙", "李**"),
        ("欧阳娜娜", "欧阳**"),
        ("诸葛亮", "诸葛*"),
        ("欧阳", "欧*"),
        ("王", "*"),
        ("阿依古丽·买买提", "阿***·***"),
        ("John Smith", "J***"),
        ("alice", "a***"),
    ],
)
def test_name(raw, masked):
    assert mask_name(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("北京市朝阳区建国路88号院3号楼2单元501室", "北京市朝阳区建国路****"),
        ("上海市浦东新区世纪大道100号", "上海市浦东新区世纪大道****"),
        ("北京市东城区鼓楼东大街1号", "北京市东城区鼓楼东大街****"),
        ("北京市朝阳区幸福小区3栋2单元", "北京市朝阳区****"),
        ("广东省深圳市南山区粤海街道科技园社区1栋", "广东省深圳市南山区粤海街道****"),
        ("建国路八十八号", "建国路****"),
        ("北京市朝阳区", "北京市朝阳区"),
        ("221B Baker Street, London", "**** Baker Street, London"),
    ],
)
def test_address(raw, masked):
    assert mask_address(raw) == masked


def test_email_plate_face():
    assert mask_email("zhangsan@example.com") == "z***@example.com"
    assert mask_email("no-at-sign") == "n***"
    assert mask_plate("京A12345") == "京A***45"
    assert mask_plate("京AD12345") == "京A****45"
    assert mask_plate("京A·12345") == "京A***45"
    assert mask_face_id("face-8f3a9b2c7d1e") == "****7d1e"
    assert mask_face_id("short") == "****"


@pytest.mark.parametrize(
    "fn",
    [mask_id_number, mask_mobile, mask_name, mask_address, mask_email, mask_plate, mask_face_id],
)
def test_none_and_empty_pass_through(fn):
    assert fn(None) is None
    assert fn("") == ""


def test_mask_value_by_kind():
    assert mask_value("id_number", "110101199003071234") == "110***********1234"
    assert mask_value("phone", "13812345678") == "138****5678"
    assert mask_value("text", "needs a walker") == "****"
    assert mask_value("redact", "anything") is None
    assert mask_value("unknown-kind", "x") == "****"
    assert mask_value("name", 42) is None
