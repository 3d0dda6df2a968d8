"""Use cases of parking-payment, built once in ``main`` (the service kit's shape)."""

from __future__ import annotations

from dataclasses import dataclass

from parking_payment.usecases.bills import Bills
from parking_payment.usecases.callbacks import Callbacks
from parking_payment.usecases.charging import Charging, ChargingBackendDb
from parking_payment.usecases.ebike import Ebikes
from parking_payment.usecases.gates import Gates
from parking_payment.usecases.jobs import PaymentJobs
from parking_payment.usecases.parking_target import ParkingTarget
from parking_payment.usecases.payments import Payments
from parking_payment.usecases.shop_orders import ShopOrders
from parking_payment.usecases.vehicles import Vehicles


@dataclass
class UseCases:
    payments: Payments
    callbacks: Callbacks
    jobs: PaymentJobs
    gates: Gates
    parking: ParkingTarget
    vehicles: Vehicles
    bills: Bills
    charging: Charging
    charging_backend: ChargingBackendDb
    ebikes: Ebikes
    shop_orders: ShopOrders
