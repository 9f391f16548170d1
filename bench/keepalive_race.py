"""A list sent on a reused keep-alive connection as gunicorn closes it fails; a fresh one does not.

PostHog's gunicorn (gthread worker, `keepalive` 2 s by default) closes a connection idle for 2 s
from its main loop, after it has handled the events of its last wait. A request that reaches
such a connection after that wait returned but before the idle connections are closed is never
read: the server closes the socket with the request unread and the client gets a reset or an
empty answer (`requests.ConnectionError`, "Connection aborted"). urllib3 checks a pooled
connection before reusing it, so only this narrow window fails; the busier the server's main
loop, the wider the window.

This script lists POSTHOG_HOST / POSTHOG_PROJECT_ID with PARITY_READ_KEY (or the personal key)
for `--seconds`, waiting between lists a random time in [`--idle-from`, `--idle-to`], either
on one `requests.Session` (`--mode reused`, as `bench/live_safety.py`'s poller did) or on a
fresh connection every time (`--mode fresh`, as it does now). For every failure it records
whether the request went out on a reused connection (urllib3's pool opened none for it), the
idle time before it and the exception's text. Nothing is retried.

    python bench/keepalive_race.py --mode reused --idle-from 1.9 --idle-to 2.3 --seconds 300
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import signal
import socket
import time

import requests
import urllib3


class CountingConnection(urllib3.connection.HTTPConnection):
    """An HTTP connection that counts the sockets it opens (a new one per reconnection too)."""

    opened = 0

    def _new_conn(self) -> socket.socket:
        CountingConnection.opened += 1
        return super()._new_conn()


def connections_opened() -> int:
    """How many sockets the script has opened so far."""
    return CountingConnection.opened


def main() -> int:
    """Run the lists; print one line per failure and a summary."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mode", choices=("reused", "fresh"), default="reused")
    parser.add_argument("--idle-from", type=float, default=1.9)
    parser.add_argument("--idle-to", type=float, default=2.3)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    host = os.environ["POSTHOG_HOST"].rstrip("/")
    url = f"{host}/api/projects/{os.environ['POSTHOG_PROJECT_ID']}/web_experiments/?limit=1"
    key = os.environ.get("PARITY_READ_KEY", os.environ["POSTHOG_PERSONAL_API_KEY"])
    headers = {"Authorization": f"Bearer {key}"}
    if args.mode == "fresh":
        headers["Connection"] = "close"
    urllib3.connectionpool.HTTPConnectionPool.ConnectionCls = CountingConnection
    rng = random.Random(args.seed)
    session = requests.Session()
    tally: collections.Counter[str] = collections.Counter()
    idle = 0.0
    started = time.monotonic()
    ended = started + args.seconds
    # SIGTERM ends the loop like the time limit does (the summary is printed either way).
    signal.signal(signal.SIGTERM, lambda *_: setattr(args, "seconds", 0))
    while time.monotonic() < ended and args.seconds:
        opened = connections_opened()
        stamp = time.strftime("%H:%M:%S")
        try:
            if args.mode == "fresh":
                answer = requests.get(url, headers=headers, timeout=30)
            else:
                answer = session.get(url, headers=headers, timeout=30)
            tally["200" if answer.status_code == 200 else f"status {answer.status_code}"] += 1
        except requests.RequestException as error:
            reused = args.mode == "reused" and connections_opened() == opened
            kind = "reused" if reused else "fresh"
            tally[f"failed on a {kind} connection"] += 1
            print(
                f"{stamp} after {idle:.3f} s idle, on a {kind} connection:"
                f" {type(error).__name__}: {error}",
                flush=True,
            )
        tally["lists"] += 1
        tally["new connections"] = connections_opened()
        idle = rng.uniform(args.idle_from, args.idle_to)
        time.sleep(idle)
    session.close()
    print(
        f"mode {args.mode}, idle {args.idle_from}-{args.idle_to} s,"
        f" {time.monotonic() - started:.0f} s: "
        + ", ".join(f"{name} {count}" for name, count in sorted(tally.items())),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
