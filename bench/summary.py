"""One table of everything `make bench` measured in this run, each figure beside its
ceiling from the same run, read from bench/results/latest.json (which every benchmark
merges its figures into). Prints the machine's core count: the service, its broker, its
database and the load generator all share those cores.

    uv run python bench/summary.py
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results" / "latest.json"


def _get(data: dict[str, Any], *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def rows(data: dict[str, Any]) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    ceilings = {r["broker"]: r for r in _get(data, "broker_ceiling", "results") or []}
    apache = next((r for b, r in ceilings.items() if b.startswith("apache")), None)
    for broker, r in ceilings.items():
        out.append(
            (
                f"broker raw rate, {broker} (1 KB, acks=all)",
                f"produce {r['produce_msgs_per_s']:,}/s, consume {r['consume_msgs_per_s']:,}/s",
                "(the ceiling)",
            )
        )
    raw = f"broker produce {apache['produce_msgs_per_s']:,}/s" if apache else "-"
    for phase in _get(data, "ingestion", "phases") or []:
        out.append(
            (
                f"ingestion {phase['transport']} {phase.get('load', '')}".strip(),
                f"{phase['end_to_end_readings_per_s']:,} readings/s stored; "
                f"p50 {phase['latency_p50_ms']} ms, p99 {phase['latency_p99_ms']} ms",
                raw,
            )
        )
    for key, ceiling in (("alarm_latency", raw),):
        alarm = _get(data, key, "result")
        if alarm:
            out.append(
                (
                    f"alarm latency at {alarm['produced_rate_per_s']:,} readings/s "
                    "(Apache Kafka, make run's broker)",
                    f"p50 {alarm['latency_ms_p50']} ms, p99 {alarm['latency_ms_p99']} ms"
                    + (
                        f" (service {alarm['service_cpu_per_s']} core, "
                        f"machine {alarm['machine_busy']:.0%} busy)"
                        if "machine_busy" in alarm
                        else ""
                    ),
                    f"goal p99 <= {alarm.get('goal_p99_ms', 100)} ms; {ceiling}",
                )
            )
    notification = _get(data, "notification")
    if notification and notification.get("to_stream"):
        s, sms = notification["to_stream"], notification.get("to_sms_sink") or {}
        out.append(
            (
                "notification: request -> stream / SMS sink",
                f"stream p50 {s.get('p50_ms')} ms p99 {s.get('p99_ms')} ms; "
                f"SMS p50 {sms.get('p50_ms')} ms",
                f"{notification.get('lost', 0)} lost",
            )
        )
    gateway = _get(data, "gateway")
    if gateway:
        d, g = gateway["direct"], gateway["gateway"]
        out.append(
            (
                "gateway: GET /api/v1/work-orders (authenticated)",
                f"{g['requests_per_s']:,} req/s; p50 {g['p50_ms']} ms, p99 {g['p99_ms']} ms",
                f"direct {d['requests_per_s']:,} req/s (overhead "
                f"{gateway['throughput_overhead_pct']}%, +{gateway['added_p50_ms']} ms p50)",
            )
        )
    return out


def main() -> int:
    try:
        data = json.loads(RESULTS.read_text())
    except (OSError, ValueError):
        print(f"no results in {RESULTS}: run make bench")
        return 1
    table = rows(data)
    widths = [max(len(r[i]) for r in table) for i in range(3)] if table else [0, 0, 0]
    print(f"\nsmart-community benchmarks on {os.cpu_count()} cores ({RESULTS})")
    head = ("figure", "measured", "ceiling (same run)")
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in table:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
