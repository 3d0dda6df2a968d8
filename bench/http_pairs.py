"""CPU per request of two copies of a running service over HTTP, in alternating pairs
(issue 28; the over-HTTP method of ADR 0040, for what in-process pairs cannot see: the
garbage collector, which the test fixtures switch off, uvicorn, the socket).

    uv run python bench/http_pairs.py --like PID --path /api/v1/work-orders?limit=20 \
        --header "Authorization: Bearer ..." --b-env GC_TUNING=false [--pairs 12]

``--like`` names a service process that is running (one of a stack started by `make run`
or `bench/gateway.py`): two copies of it are started with its command line and
environment on free ports, A with ``--a-env`` and B with ``--b-env`` added (old and new
code, or one setting each way), so both use the same database and broker. Each pair loads
A then B (B then A in every other pair) with wrk for ``--seconds`` from ``--concurrency``
connections; each copy's CPU comes from /proc over its own round and is divided by the
requests wrk counted. ``--a-python`` runs A with another checkout's interpreter (its
``.venv``): A is that checkout's code, B this one's. Printed: the mean of each side, the
median of the pair ratios B/A with quartiles, and the load average before and after.
On a loaded machine the copy started second cost 6-10 % more in A/A controls (ADR 0068):
``--b-first`` starts B's copy first, so a result can be read in both orders (or beside an
A/A control: the same ``--a-env`` and ``--b-env``). Nothing here asserts a speed. Only
127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from benchkit import free_port
from pairs import alternate, pair_ratios, wrk_cpu_us


def _copy(
    pid: int, extra: list[str], log: Path, python: str | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    cmd = Path(f"/proc/{pid}/cmdline").read_bytes().rstrip(b"\0").split(b"\0")
    if python:  # another checkout's interpreter: its code, the same command
        cmd[0] = python.encode()
    env = dict(
        item.split(b"=", 1)
        for item in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        if b"=" in item
    )
    port = free_port()
    env[b"HTTP_PORT"] = str(port).encode()
    for pair in extra:
        key, _, value = pair.partition("=")
        env[key.encode()] = value.encode()
    out = log.open("wb")
    proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise SystemExit(f"the copy ended: see {log}")
        time.sleep(1)
    proc.kill()
    raise SystemExit(f"the copy did not answer /healthz: see {log}")


def _round(proc: subprocess.Popen[bytes], url: str, args: argparse.Namespace) -> float:
    headers = dict(h.split(": ", 1) for h in args.header)
    return wrk_cpu_us(
        proc.pid,
        url + args.path,
        seconds=args.seconds,
        concurrency=args.concurrency,
        headers=headers,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--like", type=int, required=True, help="pid of a running service")
    parser.add_argument("--path", required=True)
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--a-env", action="append", default=[])
    parser.add_argument("--a-python", help="A's interpreter (another checkout's .venv: old code)")
    parser.add_argument("--b-env", action="append", default=[])
    parser.add_argument("--pairs", type=int, default=12)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--b-first", action="store_true", help="start B's copy before A's")
    args = parser.parse_args()
    logs = Path(tempfile.gettempdir())
    if args.b_first:  # the copy started second may cost more (ADR 0068's A/A controls)
        b, b_url = _copy(args.like, args.b_env, logs / "http-pairs-b.log")
        a, a_url = _copy(args.like, args.a_env, logs / "http-pairs-a.log", args.a_python)
    else:
        a, a_url = _copy(args.like, args.a_env, logs / "http-pairs-a.log", args.a_python)
        b, b_url = _copy(args.like, args.b_env, logs / "http-pairs-b.log")
    try:
        measured = alternate(
            args.pairs, lambda: _round(a, a_url, args), lambda: _round(b, b_url, args)
        )
    finally:
        for proc in (a, b):
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
    print(
        f"\n{args.path}: {args.pairs} pairs of {args.seconds:g} s, c={args.concurrency}; "
        f"A {args.a_env or '(as is)'}, B {args.b_env or '(as is)'}, "
        f"{'B' if args.b_first else 'A'} started first; "
        f"load {measured.load_before:.1f} -> {measured.load_after:.1f}\n"
        f"  A mean {statistics.mean(measured.olds):,.0f} us per request "
        f"(median {statistics.median(measured.olds):,.0f})\n"
        f"  B mean {statistics.mean(measured.news):,.0f} us per request "
        f"(median {statistics.median(measured.news):,.0f})\n"
        f"  {pair_ratios(measured.olds, measured.news)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
