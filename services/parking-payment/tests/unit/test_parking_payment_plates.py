import pytest

from parking_payment.domain.errors import DomainError
from parking_payment.domain.plates import PlateColor, is_valid, normalise, parse_plate


@pytest.mark.parametrize(
    ("raw", "color", "number", "expected"),
    [
        ("京A12345", None, "京A12345", PlateColor.blue),
        ("沪B·D2W19", "blue", "沪BD2W19", PlateColor.blue),
        ("粤B12345", "yellow", "粤B12345", PlateColor.yellow),
        ("苏E1234学", None, "苏E1234学", PlateColor.yellow),
        ("鲁A1234挂", "yellow", "鲁A1234挂", PlateColor.yellow),
        ("粤BD12345", None, "粤BD12345", PlateColor.green),
        ("粤bfa1234", "green", "粤BFA1234", PlateColor.green),
        ("浙AK12345", "green", "浙AK12345", PlateColor.green),
        ("粤B12345D", None, "粤B12345D", PlateColor.yellow_green),
        ("京A1234警", None, "京A1234警", PlateColor.white),
        ("粤Z1234港", None, "粤Z1234港", PlateColor.black),
        (" 京Ａ１２３４５ ", None, "京A12345", PlateColor.blue),  # full width from a form
        ("京AO23I5", None, "京A02315", PlateColor.blue),  # O/I in the serial are 0/1
    ],
)
def test_valid_plates_normalised_with_their_colour(raw, color, number, expected):
    plate = parse_plate(raw, color)
    assert plate.number == number
    assert plate.color is expected
    assert plate.new_energy is (expected in (PlateColor.green, PlateColor.yellow_green))


@pytest.mark.parametrize(
    "raw",
    [
        "京A1234",
        "京A123456",
        "XA12345",
        "京I12345",
        "粤BD123456",
        "粤BD1234A",
        "粤B1234DD",
        "12345",
    ],
)
def test_invalid_plates_refused(raw):
    with pytest.raises(DomainError) as err:
        parse_plate(raw)
    assert err.value.code == "parking.plate_invalid"
    assert not is_valid(raw)


@pytest.mark.parametrize(
    ("raw", "color"),
    [("粤BD12345", "blue"), ("京A12345", "green"), ("苏E1234学", "blue"), ("京A1234警", "yellow")],
)
def test_declared_colour_must_fit_the_format(raw, color):
    with pytest.raises(DomainError) as err:
        parse_plate(raw, color)
    assert err.value.code == "parking.plate_color_mismatch"
    assert "不符" in err.value.message_zh


@pytest.mark.parametrize("raw", [None, "", "无牌车", "_无_", "无车牌", "  "])
def test_no_plate_reads(raw):
    assert normalise(raw) is None
