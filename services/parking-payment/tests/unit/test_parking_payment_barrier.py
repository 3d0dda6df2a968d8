from datetime import UTC, datetime, timedelta

from parking_payment.adapters.barrier import open_barrier
from sc_contracts.events import DeviceCommandRequestedV1

NOW = datetime(2026, 12, 3, 9, tzinfo=UTC)


def test_open_barrier_command_is_device_ingestions_and_idempotent_per_decision():
    cmd = open_barrier(
        device_id="gate-dev-1",
        door_id="door-east",
        decision_id="d-1",
        community_id="DEMO-001",
        requested_by="parking-payment",
        now=NOW,
    )
    again = open_barrier(
        device_id="gate-dev-1",
        door_id="door-east",
        decision_id="d-1",
        community_id="DEMO-001",
        requested_by="parking-payment",
        now=NOW + timedelta(seconds=1),
    )
    assert cmd.command == "open_door"
    assert cmd.params == {"door_id": "door-east", "duration_s": 5}
    assert cmd.command_id == again.command_id
    assert cmd.expires_at - cmd.requested_at == timedelta(seconds=10)
    # what device-ingestion will read back from the topic
    assert DeviceCommandRequestedV1.model_validate_json(cmd.model_dump_json()) == cmd
