"""The evaluation of a rule (pure: no I/O): a reading, a due timer or a device's status
change against one rule and its state for one originator (a JSON-able dict) gives a
:class:`~alarm.domain.rules.Step`: a decision (raise, clear or nothing), the new state and
when its timer is due. The kinds and their specs are described in
:mod:`alarm.domain.rules`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from alarm.domain.rules import Decision, Reading, Rule, Step


def _iso(ts: datetime) -> str:
    return ts.isoformat()


def _ts(raw: str | None) -> datetime | None:
    return datetime.fromisoformat(raw) if raw else None


def _details(rule: Rule, reading: Reading, **extra: Any) -> dict[str, Any]:
    details: dict[str, Any] = {
        "rule": rule.name,
        "reading_ts": _iso(reading.ts),
        "received_at": _iso(reading.received_at),
    }
    for cond in rule.conditions:
        value = reading.values.get(cond.key)
        if isinstance(value, bool | int | float | str):
            details[cond.key] = value
    details.update(extra)
    return details


def evaluate(rule: Rule, state: dict[str, Any], reading: Reading) -> Step:
    """One reading against one rule for the reading's device."""
    if rule.kind in ("threshold", "and") and state.get("v") == rule.version:
        return _stateless(rule, state, reading)
    old = dict(state)
    if state.get("v") != rule.version:  # the rule changed: its old state means nothing
        state = {"v": rule.version, "active": bool(state.get("active"))}
    # an offline-only rule learns nothing from a reading but where the device is
    timed = rule.stateful and not (rule.kind == "inactivity" and not rule.inactivity_s)
    last_ts = _ts(state.get("last_ts"))
    if timed and last_ts is not None and reading.ts <= last_ts:
        return Step(None, old, _ts(old.get("due")), False)  # redelivered or out of order
    new = dict(state)
    if timed:
        new["last_ts"] = _iso(reading.ts)
    active_window = rule.schedule is None or rule.schedule.active_at(reading.ts)
    decision: Decision | None = None
    due: datetime | None = None

    if rule.kind in ("threshold", "and"):
        held = rule.condition(reading.values)
        if held and active_window:
            decision = Decision("raise", reading.ts, _details(rule, reading))
        elif held is False and new.get("active"):
            decision = _clear(rule, reading)
    elif rule.kind == "duration":
        held = rule.condition(reading.values)
        if held and active_window:
            since = _ts(new.get("since")) or reading.ts
            new["since"] = _iso(since)
            new["place"] = _place(reading)
            if reading.ts - since >= timedelta(seconds=rule.duration_s):
                decision = Decision(
                    "raise", reading.ts, _details(rule, reading, held_s=rule.duration_s)
                )
            else:
                due = since + timedelta(seconds=rule.duration_s)
        elif held is not None:
            new.pop("since", None)
            if new.get("active"):
                decision = _clear(rule, reading)
    elif rule.kind == "repeating":
        held = rule.condition(reading.values)
        horizon = reading.ts - timedelta(seconds=rule.window_s)
        hits = [h for h in new.get("hits", []) if datetime.fromisoformat(h) > horizon]
        if held and active_window:
            hits.append(_iso(reading.ts))
        new["hits"] = hits[-max(rule.repeat_count, 1) :]
        if held and active_window and len(hits) >= rule.repeat_count:
            decision = Decision("raise", reading.ts, _details(rule, reading, hits=len(hits)))
        elif not hits and new.get("active") and held is False:
            decision = _clear(rule, reading)
    elif rule.kind == "rate":
        decision = _rate(rule, new, reading, active_window)
    elif rule.kind == "inactivity":
        if timed:
            new["last_seen"] = _iso(reading.ts)
        new["place"] = _place(reading)
        due = reading.ts + timedelta(seconds=rule.inactivity_s) if rule.inactivity_s else None
        if new.get("active") and new.get("cause") != "offline":
            decision = _clear(rule, reading)

    if decision is not None:
        new["active"] = decision.action == "raise"
        if not timed:
            new["last_us"] = micros(reading.ts)
    if decision is not None and decision.action == "clear" and not rule.auto_clear:
        decision = None
        new["active"] = True
    if due is not None:
        new["due"] = _iso(due)
    else:
        new.pop("due", None)
    return Step(decision, new, due, new != old)


def _stateless(rule: Rule, state: dict[str, Any], reading: Reading) -> Step:
    """Threshold and AND rules: the state is whether an alarm is active and the time of
    the last reading that raised, counted or cleared it (``last_us``, microseconds since
    the epoch: compared on every reading, so not parsed from text), so most readings
    change nothing and copy nothing (the hot path). A reading not newer than that
    was seen before (a batch redelivered after a crash or a broker failover) or arrives
    out of order: it decides nothing, so a redelivery neither counts a repeat twice nor
    clears a later alarm."""
    now = micros(reading.ts)
    last = state.get("last_us")
    if last is not None and now <= last:
        return Step(None, state, None, False)
    held = rule.condition(reading.values)
    if held and (rule.schedule is None or rule.schedule.active_at(reading.ts)):
        decision = Decision("raise", reading.ts, _details(rule, reading))
        return Step(decision, {**state, "active": True, "last_us": now}, None, True)
    if held is False and state.get("active") and rule.auto_clear:
        new = {**state, "active": False, "last_us": now}
        return Step(_clear(rule, reading), new, None, True)
    return Step(None, state, None, False)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def micros(ts: datetime) -> int:
    """Exact microseconds since the epoch (a float would lose the last digits)."""
    return (ts - EPOCH) // MICROSECOND


def _clear(rule: Rule, reading: Reading) -> Decision:
    return Decision("clear", reading.ts, _details(rule, reading))


def _place(reading: Reading) -> dict[str, Any]:
    return {
        "device_type": reading.device_type,
        "community_id": reading.community_id,
        "building_id": reading.building_id,
        "unit_id": reading.unit_id,
        "room_id": reading.room_id,
    }


def _rate(rule: Rule, new: dict[str, Any], reading: Reading, active: bool) -> Decision | None:
    key = rule.rate_key or ""
    value = reading.values.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    last_value, last_at = new.get("last_value"), _ts(new.get("last_at"))
    new["last_value"], new["last_at"] = float(value), _iso(reading.ts)
    if last_value is None or last_at is None:
        return None
    seconds = (reading.ts - last_at).total_seconds()
    if seconds <= 0:
        return None
    change = (float(value) - float(last_value)) / seconds * rule.rate_per_s
    crossed = {
        "rise": change > rule.rate_max,
        "fall": -change > rule.rate_max,
    }.get(rule.rate_direction, abs(change) > rule.rate_max)
    if crossed and active:
        details = _details(rule, reading, **{key: float(value), "rate": round(change, 4)})
        return Decision("raise", reading.ts, details)
    if not crossed and new.get("active"):
        return Decision("clear", reading.ts, _details(rule, reading, rate=round(change, 4)))
    return None


def fire_timer(rule: Rule, state: dict[str, Any], now: datetime) -> Step:
    """A due timer: a duration that held long enough, or a device that went silent."""
    new = dict(state)
    new.pop("due", None)
    decision: Decision | None = None
    if rule.kind == "duration" and new.get("since") and not new.get("active"):
        decision = Decision("raise", now, {"rule": rule.name, "held_s": rule.duration_s})
    elif rule.kind == "inactivity" and not new.get("active"):
        decision = Decision(
            "raise", now, {"rule": rule.name, "last_seen": new.get("last_seen") or ""}
        )
        new["cause"] = "silent"
    if rule.schedule is not None and not rule.schedule.active_at(now):
        decision = None
    if decision is not None:
        new["active"] = True
    return Step(decision, new, None, True)


def status_change(rule: Rule, state: dict[str, Any], online: bool, at: datetime) -> Step:
    """device.status.v1 for an inactivity rule with ``offline``."""
    new = dict(state)
    decision: Decision | None = None
    if not online and not new.get("active"):
        decision = Decision("raise", at, {"rule": rule.name, "status": "offline"})
        new["active"], new["cause"] = True, "offline"
    elif online and new.get("active"):
        if rule.auto_clear:
            decision = Decision("clear", at, {"rule": rule.name, "status": "online"})
            new["active"] = False
        new.pop("cause", None)
    return Step(decision, new, _ts(new.get("due")), new != state)
