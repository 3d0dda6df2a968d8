"""What writing an answer in one piece saves uvicorn (ADR 0068): CPU per request of two
servers of the same small ASGI app, uvicorn's httptools protocol (A) and
``sc_core.one_write`` (B), in alternating pairs of wrk rounds (ADR 0064's method).

    uv run python bench/one_write.py [--pairs 12] [--seconds 5] [--body 300]

The app answers every request with ``--body`` bytes of JSON and their Content-Length, so
the server's own cost (parsing, the ASGI cycle, the writes) is most of what is measured.
Both servers run on uvloop, as the services do. The server started second
cost up to ~10 % more in A/A controls on a loaded machine (``--same``): compare a run with
its control, or run both orders (``--b-first``). Printed: the mean of each side, the median
of the pair ratios B/A with quartiles, and the load average before and after. Nothing
here asserts a speed. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

import httpx
from benchkit import free_port
from pairs import alternate, pair_ratios, wrk_cpu_us

SERVER = """
import sys, uvicorn
body = b'{"v":"' + b"x" * max(0, int(sys.argv[3]) - 8) + b'"}'
head = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": head})
    await send({"type": "http.response.body", "body": body})
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), http=sys.argv[2], loop="uvloop",
            lifespan="off", access_log=False, log_config=None)
"""
PROTOCOLS = {"A": "httptools", "B": "sc_core.one_write:OneWriteHttp"}


def _start(protocol: str, body: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(port), protocol, str(body)])
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=2).raise_for_status()
            return proc, url
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit(f"the {protocol} server did not answer")


def _round(proc: subprocess.Popen[bytes], url: str, args: argparse.Namespace) -> float:
    return wrk_cpu_us(proc.pid, url, seconds=args.seconds, concurrency=args.concurrency, headers={})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=12)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--body", type=int, default=300, help="bytes of each answer's body")
    parser.add_argument("--b-first", action="store_true", help="start B's server before A's")
    parser.add_argument("--same", action="store_true", help="B runs A's protocol (a control)")
    args = parser.parse_args()
    if args.same:
        PROTOCOLS["B"] = PROTOCOLS["A"]
    if args.b_first:  # the server started second may cost more (see ADR 0068's control)
        b, b_url = _start(PROTOCOLS["B"], args.body)
        a, a_url = _start(PROTOCOLS["A"], args.body)
    else:
        a, a_url = _start(PROTOCOLS["A"], args.body)
        b, b_url = _start(PROTOCOLS["B"], args.body)
    try:
        measured = alternate(
            args.pairs, lambda: _round(a, a_url, args), lambda: _round(b, b_url, args)
        )
    finally:
        for proc in (a, b):
            proc.terminate()
            proc.wait(20)
    print(
        f"\none write: {args.pairs} pairs of {args.seconds:g} s, c={args.concurrency}, "
        f"{args.body} B bodies, {'B' if args.b_first else 'A'} started first; "
        f"load {measured.load_before:.1f} -> {measured.load_after:.1f}\n"
        f"  A {PROTOCOLS['A']}: mean {statistics.mean(measured.olds):,.1f} us per request\n"
        f"  B {PROTOCOLS['B']}: mean {statistics.mean(measured.news):,.1f} us per request\n"
        f"  {pair_ratios(measured.olds, measured.news)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
