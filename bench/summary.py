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


def care_rows(data: dict[str, Any], raw: str) -> list[tuple[str, str, str]]:
    """Care's vitals through threshold evaluation and the lone-elder scan (issue 32)."""
    care = _get(data, "care")
    if not care or not care.get("vitals"):
        return []
    v, m, s = care["vitals"], care["meters"], care["scan"]
    return [
        (
            "care: wearables' vitals through threshold evaluation (Kafka -> stored, "
            "assessed, episodes)",
            f"{v['vitals_per_s']:,} vitals/s ({v['vitals']:,}; service "
            f"{v['service_cpu_per_s']} core, machine {v['machine_busy']:.0%} busy)",
            raw,
        ),
        (
            f"care: the lone-elder scan of {s['households']:,} homes' day of meter readings",
            f"{s['seconds']} s ({s['process_cpu_s']} s CPU), {s['anomalies']} anomalies of "
            f"{s['expected_anomalies']} planted; meters stored at {m['reports_per_s']:,}/s",
            care.get("pinning", ""),
        ),
    ]


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
    gate = _get(data, "parking_gate")
    if gate and gate.get("read_to_open_door"):
        r = gate["read_to_open_door"]
        out.append(
            (
                f"parking gate: ANPR read -> open_door at {gate.get('reads_per_s')} reads/s",
                f"p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms, {gate.get('lost', 0)} lost "
                f"(service {gate.get('service_cpu_per_s')} core, "
                f"machine {gate.get('machine_busy', 0):.0%} busy)",
                f"goal p99 <= {gate.get('goal_p99_ms', 300)} ms; {gate.get('pinning', '')}",
            )
        )
    out.extend(care_rows(data, raw))
    out.extend(mqtt_rows(data, raw))
    out.extend(api_rows(data))
    sweep = _get(data, "evaluation_sweep")
    if sweep and sweep.get("runs"):
        settings = sweep.get("settings", {})
        out.append(
            (
                f"evaluation's month-end sweep of one community "
                f"({settings.get('aggregates', 0):,} aggregates, "
                f"3 x {settings.get('responses_per_index', 0):,} responses)",
                f"the event loop's longest wait {sweep['longest_wait_ms']} ms; sweep "
                + ", ".join(f"{r['sweep_s']} s" for r in sweep["runs"]),
                f"goal: under the list walk's p99 of {sweep.get('goal_ms', 50):g} ms",
            )
        )
    return out


def mqtt_rows(data: dict[str, Any], raw: str) -> list[tuple[str, str, str]]:
    """The MQTT transport as its own deployable: readings/s by replicas, idle connections."""
    out: list[tuple[str, str, str]] = []
    mqtt = _get(data, "mqtt_transport")
    if not mqtt:
        return out
    for r in mqtt.get("readings") or []:
        out.append(
            (
                f"MQTT transport, {r['replicas']} replica(s), QoS 1 gateway batches",
                f"{r['acknowledged_per_s']:,} readings/s acknowledged after Kafka, "
                f"{r['stored_per_s']:,}/s stored",
                raw,
            )
        )
    idle = mqtt.get("idle")
    if idle:
        out.append(
            (
                "MQTT transport, idle devices on one replica "
                f"(keep-alive {idle['keep_alive_s']} s)",
                f"{idle['held_after_hold']:,} held in {idle['rss_mib_held']:,} MiB RSS",
                f"goal {idle['goal']} ({'met' if idle['goal_met'] else 'not met'})"
                + (f"; {idle['note']}" if idle.get("note") else ""),
            )
        )
    return out


def gateway_rows(
    gateway: dict[str, Any], workers: str, goals: dict[tuple[str, str], str]
) -> list[tuple[str, str, str]]:
    """bench/gateway.py's rows for one HTTP_WORKERS value, direct beside the gateway."""
    out: list[tuple[str, str, str]] = []
    for key, label in (
        ("work_orders", "GET /api/v1/work-orders (page of 20)"),
        ("me", "GET /api/v1/me"),
    ):
        row = _get(gateway, key)
        if not row:
            continue
        d, g = row["direct"], row["gateway"]
        out.append(
            (
                f"{label}, direct, c={gateway['concurrency']}, HTTP_WORKERS={workers}",
                f"{d['requests_per_s']:,} req/s; p50 {d['p50_ms']} ms, p99 {d['p99_ms']} ms "
                f"(load {d['load_before']})",
                goals[(key, "direct")] or "(the gateway's ceiling)",
            )
        )
        out.append(
            (
                f"{label}, through the gateway, HTTP_WORKERS={workers}",
                f"{g['requests_per_s']:,} req/s; p50 {g['p50_ms']} ms, p99 {g['p99_ms']} ms",
                f"{goals[(key, 'gateway')]}; direct {d['requests_per_s']:,} req/s "
                f"(overhead {row['throughput_overhead_pct']}%, +{row['added_p50_ms']} ms p50)"
                + _gateway_cpu(key, d, g),
            )
        )
    return out


def _gateway_cpu(key: str, direct: dict[str, Any], through: dict[str, Any]) -> str:
    """The gateway's CPU per forwarded call beside the service's own, direct (ADR 0071)."""
    service = {"me": "identity", "work_orders": "work-orders"}[key]
    gateway_us = through.get("cpu_us_per_request", {}).get("gateway")
    service_us = direct.get("cpu_us_per_request", {}).get(service)
    if gateway_us is None or service_us is None:
        return ""
    return f"; the gateway's CPU {gateway_us} us per call beside {service}'s {service_us} us direct"


def api_rows(data: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Issue 28's rows: the read path, the gateway's share, the idle stack, list endpoints."""
    out: list[tuple[str, str, str]] = []
    goals = {
        ("work_orders", "direct"): "goal >= 600 req/s",
        ("work_orders", "gateway"): "goal >= 450 req/s",
        ("me", "direct"): "",
        ("me", "gateway"): "goal >= 1,000 req/s, overhead <= 20%, <= +2 ms p50",
    }
    by_workers = _get(data, "gateway_workers") or (
        {"1": data["gateway"]} if _get(data, "gateway") else {}
    )
    for workers, gateway in by_workers.items():
        out.extend(gateway_rows(gateway, workers, goals))
    idle = _get(data, "idle")
    if idle:
        top = max(idle["processes"].items(), key=lambda kv: kv[1]["cpu_core_share"])
        out.append(
            (
                f"the whole stack idle ({len(idle['processes'])} kinds of process)",
                f"{100 * idle['total_cpu_core_share']:.1f}% of a core, "
                f"{idle['total_memory_mib']:,.0f} MiB; busiest {top[0]} "
                f"{100 * top[1]['cpu_core_share']:.2f}%",
                "goal: no process above 2% of a core"
                + (f" (over: {', '.join(idle['over_goal'])})" if idle["over_goal"] else " (met)"),
            )
        )
    broker = _get(data, "broker_idle")
    if broker:
        base, *settings = broker["rows"]
        for row in settings:
            out.append(
                (
                    f"the broker with {row['consumers']} idle consumers: {row['setting']}",
                    f"{100 * row['broker_core_share']:.2f}% of a core",
                    f"no client, same run: {100 * base['broker_core_share']:.2f}%; goal 2%",
                )
            )
    kit = _get(data, "service_overhead")
    if kit and "bare_fastapi_cpu_us_per_request" in kit:
        bare = kit["bare_fastapi_cpu_us_per_request"]
        out.append(
            (
                "service kit per request, in process, before any SQL (page of 20)",
                f"{kit['cpu_us_per_request']:,} us CPU",
                f"bare FastAPI, same page: {bare:,} us "
                f"(the kit adds {kit['cpu_us_per_request'] - bare:,} us)",
            )
        )
        if "fastapi_telemetry_cpu_us_per_request" in kit:
            out.append(
                (
                    "the same kit with FastAPI's own span on every request (before ADR 0082)",
                    f"{kit['fastapi_telemetry_cpu_us_per_request']:,} us CPU",
                    f"the kit of the same run: {kit['cpu_us_per_request']:,} us",
                )
            )
    walk = _get(data, "list_walk")
    if walk:
        measured = [r for r in walk["operations"] if "p99_ms" in r]
        worst = max(measured, key=lambda r: r["p99_ms"], default=None)
        out.append(
            (
                f"list endpoints, {walk['rows_per_table']:,} rows/table, "
                f"{walk['rate_per_s']:.0f} req/s each",
                f"{len(measured) - len(walk['over_goal'])} of {len(measured)} met the goal"
                + (f"; worst p99 {worst['p99_ms']} ms ({worst['path']})" if worst else "")
                + (
                    f"; tables {walk['tables']['at_rows']} seeded, "
                    f"{walk['tables']['empty']} empty, {walk['tables']['failed']} failed"
                    if "tables" in walk
                    else ""
                ),
                f"goal p99 <= {walk['goal_p99_ms']:.0f} ms",
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
