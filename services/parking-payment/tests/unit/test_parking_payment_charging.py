from datetime import UTC, datetime

import pytest

from parking_payment.domain.charging import (
    EbikeTariff,
    EvTariff,
    EvTransaction,
    PowerBand,
    ebike_bill,
    ebike_minutes_for,
    energy_wh,
    ev_bill,
    is_fault,
    overcurrent,
)
from parking_payment.domain.errors import DomainError

NOW = datetime(2026, 12, 3, 9, tzinfo=UTC)


def test_ev_bill_energy_plus_service_fee():
    bill = ev_bill(EvTariff(energy_price=80, service_fee=60), 12_345)  # 0.80 + 0.60 元/kWh
    assert (bill.energy_wh, bill.energy_fen, bill.service_fen, bill.total) == (
        12_345,
        988,
        741,
        1729,
    )


def test_transaction_energy_and_idempotent_stop():
    tx = EvTransaction(1, "CP-1", 1, "TAG-1", meter_start=1000, started_at=NOW)
    tx.meter(5000)
    tx.meter(4000)  # an older sample arriving late does not move the meter back
    assert tx.energy_wh == 4000
    assert tx.stop(13_000, NOW, "Remote") == 12_000
    assert tx.stop(99_000, NOW, "Local") == 12_000
    assert tx.reason == "Remote"


def test_energy_from_sampled_values():
    assert (
        energy_wh([{"value": "1234", "measurand": "Energy.Active.Import.Register", "unit": "Wh"}])
        == 1234
    )
    assert (
        energy_wh(
            [{"value": "7.2", "measurand": "Power.Active.Import"}, {"value": "1.5", "unit": "kWh"}]
        )
        == 1500
    )
    assert energy_wh([{"value": "x"}]) is None


def test_faults():
    assert is_fault("Faulted", "NoError")
    assert is_fault("Available", "GroundFailure")
    assert not is_fault("Charging", "NoError")


EBIKE = EbikeTariff(
    bands=(PowerBand(200, 50), PowerBand(400, 80), PowerBand(None, 120)),
    unit_minutes=30,
    minimum=50,
    overcurrent_w=1000,
)


def test_ebike_bill_by_highest_power_band_in_started_units():
    assert ebike_bill(EBIKE, 180, 95) == 4 * 25  # 4 half hours at 0.50 元/h
    assert ebike_bill(EBIKE, 350, 60) == 2 * 40
    assert ebike_bill(EBIKE, 600, 10) == 60
    assert ebike_bill(EBIKE, 100, 10) == 50  # the minimum
    assert ebike_bill(EBIKE, 100, 0) == 0


def test_coin_buys_minutes_and_overcurrent():
    assert ebike_minutes_for(EBIKE, 100, 150) == 120  # 1 元 at 0.50 元/h
    assert ebike_minutes_for(EBIKE, 10_000, 150) == 12 * 60  # capped
    assert overcurrent(EBIKE, 1200)
    assert not overcurrent(EBIKE, 1000)


def test_bad_bands_refused():
    with pytest.raises(DomainError):
        EbikeTariff(bands=(PowerBand(200, 50),))
    with pytest.raises(DomainError):
        EbikeTariff(bands=(PowerBand(400, 50), PowerBand(200, 50), PowerBand(None, 1)))
