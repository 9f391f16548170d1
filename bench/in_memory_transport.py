"""Per-request cost of the in-memory mock beside the socket mock and respx, in one run.

`python bench/in_memory_transport.py [--requests N] [--rounds R]
[--write bench/in_memory_transport.md]`

Three ways a test answers an httpx request for one experiment:

- **in-memory**: `posthog_mock.transport.InMemoryTransport`, the mock's whole application (auth,
  routing, SQLite store, journal), no socket;
- **socket**: the same application on Granian in a thread of this process, over loopback (what
  the pytest plugin runs by default), keep-alive connections;
- **respx**: respx 0.23 answering a route with a fixed JSON body: no application at all, the
  floor of what a transport-level stub costs.

Each is timed with a bare `httpx.Client` GET, an `httpx.AsyncClient` GET and the SDK's
`retrieve()`; wall time and this process's CPU time (every thread: the socket server's too) per
request, the median of the rounds, the targets alternating within each round.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import respx

from posthog_mock.testing import MockServer
from posthog_mock.transport import InMemoryMock
from posthog_web_experiments import PostHogWebExperiments

CONTROL = {"control": {"rollout_percentage": 100}}
TARGETS = ("in-memory", "socket", "respx")
KINDS = ("httpx sync GET", "httpx async GET", "SDK retrieve()")


@contextmanager
def targets(stack: ExitStack) -> Iterator[dict[str, tuple[str, int, str, Any]]]:
    """Start the mocks; yield name -> (base URL, experiment id, key, transport or router)."""
    memory = stack.enter_context(InMemoryMock())
    (seeded,) = memory.seed(name="Bench", variants=CONTROL)
    server = stack.enter_context(MockServer.start(in_process=True))
    (served,) = server.seed(name="Bench", variants=CONTROL)
    key = memory.api_key or ""
    # respx answers what the mock answered, byte for byte, from a canned route.
    canned = memory.http_client().get(f"/api/projects/1/web_experiments/{seeded['id']}/")
    router = respx.MockRouter(assert_all_called=False)
    router.get(url__regex=r"http://respx\.invalid/api/projects/\d+/web_experiments/\d+/").mock(
        return_value=httpx.Response(200, content=canned.content, headers=canned.headers)
    )
    yield {
        "in-memory": (memory.base_url, seeded["id"], key, memory.transport),
        "socket": (server.base_url, served["id"], key, None),
        "respx": ("http://respx.invalid", seeded["id"], key, router),
    }


def time_sync(call: Callable[[], object], requests: int) -> tuple[float, float]:
    """Run `call` `requests` times; return wall and CPU microseconds per call."""
    call()
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(requests):
        call()
    return (
        (time.perf_counter() - wall) / requests * 1e6,
        (time.process_time() - cpu) / requests * 1e6,
    )


def time_async(client: httpx.AsyncClient, path: str, requests: int) -> tuple[float, float]:
    """Time `requests` async GETs on one event loop."""

    async def run() -> tuple[float, float]:
        await client.get(path)
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(requests):
            await client.get(path)
        return (
            (time.perf_counter() - wall) / requests * 1e6,
            (time.process_time() - cpu) / requests * 1e6,
        )

    return asyncio.run(run())


def measure(target: tuple[str, int, str, Any], kind: str, requests: int) -> tuple[float, float]:
    """Time one kind of request against one target."""
    base, experiment_id, key, transport = target
    if isinstance(transport, respx.MockRouter):
        # As a respx user runs it: the router patches httpx's own transport while active.
        with transport:
            return measure((base, experiment_id, key, None), kind, requests)
    path = f"/api/projects/1/web_experiments/{experiment_id}/"
    headers = {"Authorization": f"Bearer {key}"}
    if kind == "httpx sync GET":
        with httpx.Client(base_url=base, headers=headers, transport=transport) as client:
            return time_sync(lambda: client.get(path), requests)
    if kind == "httpx async GET":
        async_client = httpx.AsyncClient(base_url=base, headers=headers, transport=transport)
        return time_async(async_client, path, requests)
    http = httpx.Client(transport=transport) if transport is not None else None
    with PostHogWebExperiments(
        api_key=key, host=base, project_id=1, environ={}, http_client=http
    ) as sdk:
        return time_sync(lambda: sdk.retrieve(experiment_id), requests)


def main() -> None:
    """Measure, print a Markdown table, and write it with `--write`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    results: dict[tuple[str, str], list[tuple[float, float]]] = {}
    with ExitStack() as stack, targets(stack) as started:
        for _ in range(args.rounds):
            for kind in KINDS:
                for name in TARGETS:
                    sample = measure(started[name], kind, args.requests)
                    results.setdefault((kind, name), []).append(sample)
    lines = [
        "| request | target | wall µs/request | CPU µs/request | wall vs respx |",
        "|---|---|---:|---:|---:|",
    ]
    for kind in KINDS:
        floor = statistics.median(w for w, _ in results[(kind, "respx")])
        for name in TARGETS:
            wall = statistics.median(w for w, _ in results[(kind, name)])
            cpu = statistics.median(c for _, c in results[(kind, name)])
            lines.append(f"| {kind} | {name} | {wall:.0f} | {cpu:.0f} | {wall / floor:.1f}x |")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    header = (
        f"{args.rounds} rounds x {args.requests} requests per cell; Python"
        f" {platform.python_version()}, {os.cpu_count()} CPUs, load average {load} at the end."
    )
    table = "\n".join([header, "", *lines])
    print(table)
    if args.write is not None:
        text = args.write.read_text(encoding="utf-8")
        start, end = "<!-- results -->\n", "<!-- /results -->\n"
        before, _, rest = text.partition(start)
        _, _, after = rest.partition(end)
        args.write.write_text(f"{before}{start}{table}\n{end}{after}", encoding="utf-8")


if __name__ == "__main__":
    main()
