"""CPU time the request journal adds to a retrieve, this tree's journal beside an earlier one's.

`python bench/journal_cost.py --base COMMIT [--rounds R] [--requests N] [--http-requests N]
[--write bench/journal_cost.md]`

One process, one app (the real one: auth, routing, SQLite store, rendering), called as ASGI with
no sockets; only the journal object differs between targets, swapped in between runs:

- **no journal**: `journal_size = 0`;
- **base journal**: `src/posthog_mock/journal.py` as of `--base`, loaded from git;
- **this journal**: this tree's, on by default with 1000 entries.

The journal's cost is the difference in CPU time per request. Headers are built afresh for each
request, as a server parses them (a journal keeps them alive). The ASGI app alone is the Python
part of a request; the second table measures the whole served mock (`python -m posthog_mock`,
Granian included) over HTTP, the CPU time of its processes per retrieve, journal on and off.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from posthog_mock.app import MockApp
from posthog_mock.config import DEFAULT_API_KEY, default_config
from posthog_mock.journal import Journal
from posthog_mock.testing import free_port

ROOT = Path(__file__).resolve().parents[1]
CREATE = json.dumps({"name": "Bench", "variants": {"control": {"rollout_percentage": 100}}})
# What httpx sends; built afresh for every request, as a server parses headers from the socket.
RAW_HEADERS = (
    (b"host", b"127.0.0.1:8010"),
    (b"accept", b"*/*"),
    (b"accept-encoding", b"gzip, deflate"),
    (b"connection", b"keep-alive"),
    (b"user-agent", b"python-httpx/0.28.1"),
    (b"authorization", f"Bearer {DEFAULT_API_KEY}".encode()),
)


async def request(app: MockApp, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
    """Send one request through the ASGI app with fresh header objects; return status, body."""
    sent: list[dict[str, Any]] = []
    headers = [(bytes(bytearray(n)), bytes(bytearray(v))) for n, v in RAW_HEADERS]
    headers.append((b"content-length", str(len(body)).encode()))
    if body:
        headers.append((b"content-type", b"application/json"))
    scope = {
        "type": "http",
        "method": method,
        "path": "".join(path),
        "query_string": b"",
        "headers": headers,
        "scheme": "http",
        "server": ("127.0.0.1", 8010),
        "client": ("127.0.0.1", 50000),
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)  # type: ignore[arg-type]
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and its descendants so far (Linux)."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, IndexError, ValueError):
            continue
    return total


def served(args: argparse.Namespace) -> dict[str, list[float]]:
    """The whole server's CPU µs per retrieve over HTTP, journal on and off, alternating."""
    runs: dict[str, list[float]] = {"journal off (--journal-size 0)": [], "journal on": []}
    servers = {}
    with tempfile.TemporaryDirectory() as tmp:
        try:
            for index, name in enumerate(runs):
                port = free_port()
                command = [sys.executable, "-m", "posthog_mock", "--port", str(port)]
                command += ["--db", str(Path(tmp) / f"{index}.sqlite3")]
                if "off" in name:
                    command += ["--journal-size", "0"]
                process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
                servers[name] = (process, f"http://127.0.0.1:{port}")
            headers = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}
            clients = {}
            for name, (_, url) in servers.items():
                client = httpx.Client(base_url=url, headers=headers)
                deadline = time.monotonic() + 30
                while True:
                    try:
                        client.get("/_mock/health")
                        break
                    except httpx.TransportError:
                        if time.monotonic() > deadline:
                            raise
                        time.sleep(0.1)
                created = client.post("/api/projects/1/web_experiments/", json=json.loads(CREATE))
                clients[name] = (client, f"/api/projects/1/web_experiments/{created.json()['id']}/")
            for _ in range(args.rounds):
                for name, (client, path) in clients.items():
                    for _ in range(1000):  # fill the ring
                        client.get(path)
                    pid = servers[name][0].pid
                    before = process_tree_cpu(pid)
                    for _ in range(args.requests):
                        client.get(path)
                    cost = (process_tree_cpu(pid) - before) / args.requests * 1e6
                    runs[name].append(cost)
        finally:
            for process, _ in servers.values():
                process.terminate()
                process.wait(10)
    return runs


class _Variant(Journal):
    """A journal keeping something else per request (the alternatives tried; `--variants`)."""

    def keep(self, request: Any) -> Any:
        """What this variant keeps of the headers."""
        raise NotImplementedError

    def record(self, request: Any, status: int | None, started: float, fault: str | None) -> None:
        """Append like this tree's journal, with `keep()` in place of the headers' copy."""
        if not self.capacity:
            return
        path = request.path
        if path.startswith("/_mock/"):
            return
        body = request.body
        self._seq += 1
        headers = self.keep(request)
        entry = (self._seq, started, time.perf_counter() - started, request.method, path)
        self._entries.append(
            (*entry, request.query_string, headers, body, len(body), status, fault)
        )


class ListReference(_Variant):
    """The server's header list itself, not a copy."""

    def keep(self, request: Any) -> Any:
        """Keep the list."""
        return request.headers.raw


class JoinedBlob(_Variant):
    """One bytes object per request instead of the header objects."""

    def keep(self, request: Any) -> Any:
        """Join names and values."""
        return b"\r\n".join(map(b"\0".join, request.headers.raw))


class InternedPairs(_Variant):
    """Equal (name, value) pairs shared between requests (most repeat)."""

    def __init__(self, capacity: int = 1000) -> None:
        """Start with an empty pair cache."""
        super().__init__(capacity)
        self._pairs: dict[Any, Any] = {}

    def keep(self, request: Any) -> Any:
        """Look every pair up in the cache (cleared when it grows past 4096)."""
        if len(self._pairs) > 4096:
            self._pairs.clear()
        raw = request.headers.raw
        return tuple(map(self._pairs.setdefault, raw, raw))


class WholeRequest(Journal):
    """The request object itself and the outcome, everything extracted on reading."""

    def record(self, request: Any, status: int | None, started: float, fault: str | None) -> None:
        """Append a reference to the request."""
        if self.capacity:
            self._entries.append((request, status, started, time.perf_counter(), fault))  # type: ignore[arg-type]


class NoHeaders(_Variant):
    """No headers at all (what an assertion on headers needs is then lost): the floor."""

    def keep(self, request: Any) -> Any:
        """Keep nothing."""
        return ()


VARIANTS: dict[str, Any] = {
    "list reference": ListReference,
    "joined blob": JoinedBlob,
    "interned pairs": InternedPairs,
    "whole request": WholeRequest,
    "no headers": NoHeaders,
}


def base_journal(commit: str) -> type[Any]:
    """The `Journal` class of `commit`, loaded from git into a module of its own."""
    source = subprocess.run(
        ["git", "show", f"{commit}:src/posthog_mock/journal.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType("base_journal")
    exec(compile(source, f"{commit}:journal.py", "exec"), module.__dict__)
    journal: type[Any] = module.Journal
    return journal


async def run(args: argparse.Namespace) -> dict[str, list[float]]:
    """Alternate the targets; return CPU µs per retrieve for each run."""
    journals: dict[str, Callable[[], Journal]] = {
        "no journal": lambda: Journal(0),
        "base journal": base_journal(args.base),
        "this journal": Journal,
    }
    if args.variants:
        journals.update(VARIANTS)
    runs: dict[str, list[float]] = {target: [] for target in journals}
    with tempfile.TemporaryDirectory() as tmp:
        app = MockApp(default_config(), Path(tmp) / "bench.sqlite3")
        state = app.open()
        ids = []
        for _ in range(100):
            status, body = await request(
                app, "POST", "/api/projects/1/web_experiments/", CREATE.encode()
            )
            assert status == 201, body
            ids.append(json.loads(body)["id"])
        path = f"/api/projects/1/web_experiments/{ids[50]}/"
        for _ in range(args.rounds):
            for target, make in journals.items():
                app.state = dataclasses.replace(state, journal=make())
                # Fill the ring first: a full journal is the steady state of a long run.
                for _ in range(1000):
                    await request(app, "GET", path)
                started = time.process_time()
                for _ in range(args.requests):
                    status, _ = await request(app, "GET", path)
                runs[target].append((time.process_time() - started) / args.requests * 1e6)
                assert status == 200
        app.state = state
        app.close()
    return runs


def main() -> None:
    """Measure, print a Markdown report, and write it with `--write`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="commit whose journal.py to compare with")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--write", type=Path)
    parser.add_argument("--http-requests", type=int, default=2000)
    parser.add_argument("--variants", action="store_true", help="add the alternatives tried")
    parser.add_argument("--no-http", action="store_true", help="only the ASGI measurement")
    args = parser.parse_args()
    runs = asyncio.run(run(args))
    medians = {target: statistics.median(values) for target, values in runs.items()}
    lines = [
        f"{args.rounds} alternating runs of {args.requests} retrieves per target after 1000 to"
        f" fill the ring; base = {args.base}; Python {platform.python_version()},"
        f" {os.cpu_count()} CPUs, load average at the end"
        f" {', '.join(f'{v:.1f}' for v in os.getloadavg())}.",
        "",
        "| target | median CPU µs per retrieve | journal's share | per run |",
        "|---|---:|---:|---|",
    ]
    floor = medians["no journal"]
    for target in runs:
        share = (medians[target] - floor) / floor * 100
        per_run = ", ".join(f"{v:.1f}" for v in runs[target])
        lines.append(f"| {target} | {medians[target]:.1f} | {share:+.1f} % | {per_run} |")
    if args.no_http:
        print("\n".join(lines))
        return
    http_args = argparse.Namespace(rounds=args.rounds, requests=args.http_requests)
    http_runs = served(http_args)
    off, on = (statistics.median(values) for values in http_runs.values())
    lines += [
        "",
        f"Over HTTP (`python -m posthog_mock`, httpx keep-alive, {args.http_requests} retrieves"
        " per run after 1000 to fill the ring): the whole server's CPU time per retrieve,"
        " Granian's supervisor and worker included.",
        "",
        "| target | median server CPU µs per retrieve | journal's share | per run |",
        "|---|---:|---:|---|",
    ]
    for name, values in http_runs.items():
        share = (statistics.median(values) - off) / off * 100
        per_run = ", ".join(f"{v:.0f}" for v in values)
        lines.append(f"| {name} | {statistics.median(values):.0f} | {share:+.1f} % | {per_run} |")
    asgi_cost = medians["this journal"] - medians["no journal"]
    lines += [
        "",
        f"The journal adds {asgi_cost:.1f} µs of Python per retrieve (ASGI), which is"
        f" {asgi_cost / on * 100:.1f} % of the served mock's {on:.0f} µs; measured directly over"
        f" HTTP the difference is {(on - off) / off * 100:+.1f} %.",
    ]
    report = "\n".join(lines)
    print(report)
    if args.write is not None:
        text = args.write.read_text(encoding="utf-8")
        start, end = "<!-- results -->\n", "<!-- /results -->\n"
        before, _, rest = text.partition(start)
        _, _, after = rest.partition(end)
        args.write.write_text(f"{before}{start}{report}\n{end}{after}", encoding="utf-8")


if __name__ == "__main__":
    main()
