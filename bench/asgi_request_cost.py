"""CPU time per request of the mock's ASGI app called directly (no sockets): one JSON line out.

Run by `mock_fault_overhead.py` once per code path (PYTHONPATH chooses which `posthog_mock`):
`python bench/asgi_request_cost.py --requests N [--rule]`. The app, its SQLite store and its
handlers are the real ones; only Granian is left out, so what is measured is the Python work per
request, which is what the fault and journal layer adds to.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import tempfile
import time
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

from posthog_mock.app import MockApp
from posthog_mock.config import DEFAULT_API_KEY, default_config

HEADERS = [
    (b"host", b"127.0.0.1:8010"),
    (b"authorization", f"Bearer {DEFAULT_API_KEY}".encode()),
    (b"content-type", b"application/json"),
]
CREATE = json.dumps({"name": "Bench", "variants": {"control": {"rollout_percentage": 100}}})


async def request(app: MockApp, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
    """Send one request through the ASGI app; return its status and body."""
    sent: list[MutableMapping[str, Any]] = []
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": b"",
        "headers": [*HEADERS, (b"content-length", str(len(body)).encode())],
        "scheme": "http",
        "server": ("127.0.0.1", 8010),
        "client": ("127.0.0.1", 50000),
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    """Seed 100 experiments, then time `--requests` retrieves and list pages."""
    with tempfile.TemporaryDirectory() as tmp:
        config = default_config()
        if args.no_journal:
            config = dataclasses.replace(config, journal_size=0)
        app = MockApp(config, Path(tmp) / "bench.sqlite3")
        app.open()
        ids = []
        for _ in range(100):
            status, body = await request(
                app, "POST", "/api/projects/1/web_experiments/", CREATE.encode()
            )
            assert status == 201, body
            ids.append(json.loads(body)["id"])
        if args.rule:
            rule = {"kind": "status", "status": 503, "method": "DELETE", "route": "detail"}
            status, body = await request(app, "POST", "/_mock/faults", json.dumps(rule).encode())
            assert status == 201, body
        costs = {}
        for name, path in (
            ("retrieve", f"/api/projects/1/web_experiments/{ids[50]}/"),
            ("list", "/api/projects/1/web_experiments/"),
        ):
            started = time.process_time()
            for _ in range(args.requests):
                status, _ = await request(app, "GET", path)
            costs[name] = (time.process_time() - started) / args.requests * 1e6
            assert status == 200
        app.close()
        return costs


def main() -> None:
    """Print `{"retrieve": µs, "list": µs}` per request."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rule", action="store_true", help="install a fault rule that never fires")
    parser.add_argument("--no-journal", action="store_true", help="journal_size 0")
    print(json.dumps(asyncio.run(main_async(parser.parse_args()))))


if __name__ == "__main__":
    main()
