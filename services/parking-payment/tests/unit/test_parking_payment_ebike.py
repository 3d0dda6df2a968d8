from datetime import UTC, datetime, timedelta

from parking_payment.domain.charging import EbikeTariff, PowerBand
from parking_payment.domain.ebike import EbikeCharge, EbikeEvent, EbikeReading

T0 = datetime(2026, 12, 3, 20, tzinfo=UTC)
TARIFF = EbikeTariff(bands=(PowerBand(200, 50), PowerBand(400, 80), PowerBand(None, 120)))


def at(minutes: int, **kw) -> EbikeReading:
    return EbikeReading(T0 + timedelta(minutes=minutes), **kw)


def test_a_charge_from_start_to_bill():
    charge = EbikeCharge("ebike-1")
    assert charge.observe(at(0, status="charging", power_w=150, energy_kwh=10.0), TARIFF) == [
        EbikeEvent.started
    ]
    assert charge.observe(at(30, status="charging", power_w=320), TARIFF) == []
    assert charge.observe(at(95, status="available", power_w=0, energy_kwh=10.4), TARIFF) == [
        EbikeEvent.finished
    ]
    assert (charge.minutes, charge.max_power_w, charge.bill) == (95, 320, 4 * 40)


def test_overcurrent_alarm_once_per_charge_and_old_readings_ignored():
    charge = EbikeCharge("ebike-1")
    charge.observe(at(0, status="charging", power_w=150), TARIFF)
    assert charge.observe(at(1, power_w=1500), TARIFF) == [EbikeEvent.overcurrent]
    assert charge.observe(at(2, power_w=1600), TARIFF) == []
    assert charge.observe(at(1, status="available"), TARIFF) == []  # older: nothing
    assert charge.observe(at(3, over_temperature=True), TARIFF) == [EbikeEvent.over_temperature]
    events = charge.observe(at(4, status="fault"), TARIFF)
    assert events == [EbikeEvent.fault, EbikeEvent.finished]
    assert charge.bill == TARIFF.unit_price(1600)


def test_a_new_charge_starts_clean():
    charge = EbikeCharge("ebike-1")
    charge.observe(at(0, status="charging", power_w=1500), TARIFF)
    charge.observe(at(10, status="available"), TARIFF)
    assert charge.observe(at(20, status="charging", power_w=1500), TARIFF) == [
        EbikeEvent.started,
        EbikeEvent.overcurrent,
    ]
