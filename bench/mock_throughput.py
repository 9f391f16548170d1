"""Requests/s and p50/p99 latency at 16 connections: the mock vs Prism vs a fixed-bytes ceiling.

Run from the repository root: `.venv/bin/python bench/mock_throughput.py` (needs `wrk` and `npx`).
Every server is pinned to CPU 0 and wrk to CPU 1 (taskset) so they do not steal each other's core.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import httpx

ROOT: Final = Path(__file__).resolve().parent.parent
PRISM: Final = "@stoplight/prism-cli@5.14.2"
KEY: Final = "phx_mock_default_key"
CREATE_BODY: Final = (
    '{"name": "Zero to Web Experiment", "variants": {'
    '"control": {"transforms": [{"html": "", "text": "There goes Superman!", '
    '"selector": "#page > #body > .header h1"}], "rollout_percentage": 70}, '
    '"test": {"transforms": [{"html": "", "text": "Up, UP and Away!", '
    '"selector": "#page > #body > .header h1"}], "rollout_percentage": 30}}}'
)
OPERATIONS: Final = ("retrieve", "list", "create")


@dataclass(frozen=True)
class Result:
    """One wrk measurement."""

    target: str
    operation: str
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    errors: int


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def pinned(cpu: str, command: list[str]) -> list[str]:
    return ["taskset", "-c", cpu, *command] if shutil.which("taskset") else command


@contextlib.contextmanager
def background(
    command: list[str], log: Path, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server in its own process group; kill exactly that group afterwards."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=env,
        )
        try:
            yield process
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(15)


def wait_until_ready(url: str, log: Path, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2, verify=False) as http:
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.TransportError):
                if http.get(url, headers={"Authorization": f"Bearer {KEY}"}).status_code < 500:
                    return
            time.sleep(0.25)
    raise SystemExit(f"{url} did not come up; log:\n{log.read_text(errors='replace')}")


_UNITS: Final = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def parse_wrk(target: str, operation: str, output: str) -> Result:
    def latency(percent: str) -> float:
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        assert match, output
        return float(match.group(1)) * _UNITS[match.group(2)]

    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    assert rps, output
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return Result(
        target=target,
        operation=operation,
        rps=float(rps.group(1)),
        p50_ms=latency("50"),
        p99_ms=latency("99"),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        errors=sum(int(n) for n in errors.groups()) if errors else 0,
    )


def run_wrk(url: str, *, post: bool, connections: int, duration: float, script_dir: Path) -> str:
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "-H",
        f"Authorization: Bearer {KEY}",
    ]
    if post:
        script = script_dir / "post.lua"
        body = CREATE_BODY.replace("\\", "\\\\").replace('"', '\\"')
        script.write_text(
            f'wrk.method = "POST"\nwrk.body = "{body}"\n'
            'wrk.headers["Content-Type"] = "application/json"\n'
        )
        command += ["-s", str(script)]
    done = subprocess.run(pinned("1", [*command, url]), capture_output=True, text=True, check=True)
    return done.stdout


def measure(
    target: str, urls: dict[str, str], args: argparse.Namespace, work: Path
) -> list[Result]:
    results = []
    for operation in OPERATIONS:
        post = operation == "create"
        options = {"post": post, "connections": args.connections, "script_dir": work}
        run_wrk(urls[operation], duration=args.warmup, **options)
        output = run_wrk(urls[operation], duration=args.duration, **options)
        result = parse_wrk(target, operation, output)
        print(
            f"{target:8} {operation:8} {result.rps:9.0f} req/s  p50 {result.p50_ms:6.2f} ms"
            f"  p99 {result.p99_ms:7.2f} ms  non-2xx {result.non_2xx}",
            flush=True,
        )
        results.append(result)
    return results


def render(results: list[Result], args: argparse.Namespace) -> str:
    by = {(r.target, r.operation): r for r in results}
    lines = [
        "| target | operation | req/s | p50 (ms) | p99 (ms) | non-2xx | socket errors |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.target} | {r.operation} | {r.rps:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f}"
            f" | {r.non_2xx} | {r.errors} |"
        )
    checks = []

    def ratio(a: tuple[str, str], b: tuple[str, str]) -> float | None:
        if a in by and b in by and by[b].rps:
            return by[a].rps / by[b].rps
        return None

    for operation, floor in (("retrieve", 2.0), ("list", 2.0), ("create", 1.0)):
        value = ratio(("mock", operation), ("prism", operation))
        if value is not None:
            verdict = "met" if value >= floor else "NOT met"
            checks.append(
                f"- mock / Prism on {operation}: {value:.2f}x (target ≥ {floor:g}x: {verdict})"
            )
    value = ratio(("ceiling", "retrieve"), ("mock", "retrieve"))
    if value is not None:
        verdict = "met" if value <= 2.0 else "NOT met"
        checks.append(f"- ceiling / mock on retrieve: {value:.2f}x (target ≤ 2x: {verdict})")
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    setup = (
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs ({cpu}), "
        f"load average at the end {load}, "
        f"Python {platform.python_version()}, wrk -t1 -c{args.connections} "
        f"-d{args.duration:g}s after a {args.warmup:g}s warm-up; servers on CPU 0, wrk on CPU 1."
    )
    return "\n".join([setup, "", *lines, "", *checks, ""])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--no-prism", action="store_true", help="skip Prism (no npx)")
    parser.add_argument("--output", type=Path, help="also write the markdown table here")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install -y wrk)")
    if not args.no_prism and shutil.which("npx") is None:
        raise SystemExit("npx is not installed; use --no-prism")

    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="mock-bench-") as tmp:
        work = Path(tmp)
        port = free_port()
        mock_cmd = [
            sys.executable,
            "-m",
            "posthog_mock",
            "--port",
            str(port),
            "--db",
            str(work / "bench.sqlite3"),
        ]
        with background(pinned("0", mock_cmd), work / "mock.log"):
            base = f"http://127.0.0.1:{port}"
            wait_until_ready(f"{base}/_mock/health", work / "mock.log")
            with httpx.Client(
                base_url=base,
                headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"},
            ) as http:
                ids = [
                    http.post("/api/projects/1/web_experiments/", content=CREATE_BODY).json()["id"]
                    for _ in range(100)
                ]
            results += measure(
                "mock",
                {
                    "retrieve": f"{base}/api/projects/1/web_experiments/{ids[50]}/",
                    "list": f"{base}/api/projects/1/web_experiments/?limit=10",
                    "create": f"{base}/api/projects/1/web_experiments/",
                },
                args,
                work,
            )
        port = free_port()
        ceiling_cmd = [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "asgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--no-ws",
            "--log-level",
            "warning",
            "bench.ceiling_app:app",
        ]
        with background(pinned("0", ceiling_cmd), work / "ceiling.log"):
            base = f"http://127.0.0.1:{port}"
            wait_until_ready(base + "/", work / "ceiling.log")
            results += measure(
                "ceiling",
                {"retrieve": f"{base}/r", "list": f"{base}/l?limit=10", "create": f"{base}/c"},
                args,
                work,
            )
        if not args.no_prism:
            port = free_port()
            prism_cmd = [
                "npx",
                "-y",
                PRISM,
                "mock",
                "openapi.yaml",
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
            ]
            with background(pinned("0", prism_cmd), work / "prism.log"):
                base = f"http://127.0.0.1:{port}"
                wait_until_ready(f"{base}/api/projects/1/web_experiments/1/", work / "prism.log")
                results += measure(
                    "prism",
                    {
                        "retrieve": f"{base}/api/projects/1/web_experiments/41/",
                        "list": f"{base}/api/projects/1/web_experiments/?limit=10",
                        "create": f"{base}/api/projects/1/web_experiments/",
                    },
                    args,
                    work,
                )
    report = render(results, args)
    print()
    print(report)
    if args.output is not None:
        args.output.write_text(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
