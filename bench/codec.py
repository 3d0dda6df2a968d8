"""The CloudEvents codec on the telemetry hot path, per reading, in microseconds of one
core: what the batch consumers (alarm's evaluator, device-ingestion's storage) and the
telemetry publisher pay for each reading with the one codec (sc_core.bus.cloudevents)
beside the hand-written paths it replaces. Not part of `make bench` (no service runs);
for whoever moves those consumers onto `BatchConsumer(model=...)` and `HeaderTemplate`.

    uv run python bench/codec.py
"""

from __future__ import annotations

import json
import timeit
import uuid
from datetime import UTC, datetime

from sc_contracts.events import TelemetryRecordedV1
from sc_core.bus.cloudevents import CloudEvent, Envelope, HeaderTemplate, decode_data

N = 20_000


def main() -> None:
    now = datetime.now(UTC)
    reading = TelemetryRecordedV1(
        device_id=str(uuid.uuid4()),
        device_type="smoke_detector",
        community_id="DEMO-001",
        building_id="b-1",
        unit_id="u-1",
        room_id="r-101",
        ts=now,
        values={"smoke": True, "temperature": 23.5, "battery": 87},
        received_at=now,
    )
    event = CloudEvent.of(reading, source="/services/device-ingestion", subject=reading.device_id)
    event.extensions["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    headers, body = event.headers(), event.body()
    template = HeaderTemplate(TelemetryRecordedV1, source="/services/device-ingestion", time=now)
    dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
    data = reading.model_dump(mode="json")

    cases = {
        # decoding (consumers)
        "decode: headers + json.loads into a dict (CloudEvent.from_kafka)": lambda: (
            CloudEvent.from_kafka(headers, body)
        ),
        "decode: json.loads alone (the hand path's first step)": lambda: json.loads(body),
        "decode: model straight from bytes alone (decode_data)": lambda: decode_data(
            body, TelemetryRecordedV1
        ),
        "decode: headers + model straight from bytes (Envelope + decode_data)": lambda: (
            Envelope.from_headers(headers),
            decode_data(body, TelemetryRecordedV1),
        ),
        # encoding (the publisher)
        "encode: headers of one reading (HeaderTemplate.headers)": lambda: template.headers(
            "req-1-7", subject=reading.device_id
        ),
        "encode: body from the data dict (json, compact)": lambda: dumps(data).encode(),
    }
    for name, run in cases.items():
        seconds = min(timeit.repeat(run, number=N, repeat=3)) / N
        print(f"{seconds * 1e6:7.2f} us  {name}")


if __name__ == "__main__":
    main()
