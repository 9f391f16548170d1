"""Benchmark the pytest plugin's mock: start and reset, in-process vs subprocess.

Run: ``.venv/bin/python bench/plugin_start.py`` (add ``--write bench/plugin_start.md`` to record).
Start is from ``MockServer.start()`` until ``/_mock/health`` answers 200 (what the plugin's session
fixture waits for); reset is one ``POST /_mock/reset`` over HTTP after one experiment was created
(what the ``posthog_mock`` fixture does before each test).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

import posthog_mock
from posthog_mock.testing import MockServer

BODY = {"name": "bench", "variants": {"control": {"rollout_percentage": 100}}}
START_TARGET_MS = 50.0
RESET_TARGET_MS = 5.0


def cold_import_ms() -> float:
    """Milliseconds a fresh interpreter spends importing the in-process server's modules."""
    code = (
        "import time; t = time.perf_counter(); "
        "import granian.server.embed, posthog_mock.app; "
        "print((time.perf_counter() - t) * 1000)"
    )
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(5)
    ]
    return statistics.median(runs)


def start_times_ms(in_process: bool, db: str, runs: int) -> list[float]:
    """Milliseconds from start() to a healthy server, for ``runs`` fresh servers."""
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(runs):
            path = db if db == ":memory:" else str(Path(tmp) / f"mock{n}.sqlite3")
            started = time.perf_counter()
            with MockServer.start(db_path=path, in_process=in_process):
                times.append((time.perf_counter() - started) * 1000)
    return times


def reset_times_ms(in_process: bool, db: str, runs: int) -> list[float]:
    """Milliseconds of one reset after one create, ``runs`` times on one server."""
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        path = db if db == ":memory:" else str(Path(tmp) / "mock.sqlite3")
        with MockServer.start(db_path=path, in_process=in_process) as server:
            headers = {"Authorization": f"Bearer {server.api_key}"}
            url = f"{server.base_url}/api/projects/1/web_experiments/"
            with httpx.Client(headers=headers, verify=False) as http:
                for _ in range(runs):
                    http.post(url, json=BODY).raise_for_status()
                    started = time.perf_counter()
                    server.reset()
                    times.append((time.perf_counter() - started) * 1000)
    return times


def row(label: str, times: list[float], target: float | None) -> str:
    """One table row: median, 90th percentile, max, and the verdict against ``target``."""
    ordered = sorted(times)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    median = statistics.median(ordered)
    verdict = "" if target is None else ("meets" if median <= target else "misses")
    target_text = "" if target is None else f"<= {target:.0f} ms ({verdict})"
    return (
        f"| {label} | {len(times)} | {median:.1f} ms | {p90:.1f} ms | {ordered[-1]:.1f} ms |"
        f" {target_text} |"
    )


def report(start_runs: int, reset_runs: int) -> str:
    """Run every measurement and render the Markdown report."""
    imports = cold_import_ms()
    # The first in-process start of a process pays the imports; the fixture pays it once per run.
    first = start_times_ms(True, ":memory:", 1)[0]
    lines = [
        "# pytest plugin: mock start and reset",
        "",
        "Reproduce: `.venv/bin/python bench/plugin_start.py --write bench/plugin_start.md`",
        "",
        f"posthog_mock {posthog_mock.__version__}, Python {platform.python_version()},"
        f" {platform.machine()}, {os.cpu_count()} CPUs, shared with other work while measured.",
        "",
        "| what | runs | median | p90 | max | target |",
        "|---|---:|---:|---:|---:|---|",
        row("start, in-process, SQLite file (the plugin's default)",
            start_times_ms(True, "file", start_runs), START_TARGET_MS),
        row("start, in-process, `:memory:`", start_times_ms(True, ":memory:", start_runs),
            START_TARGET_MS),
        row("start, subprocess (`python -m posthog_mock`), SQLite file",
            start_times_ms(False, "file", max(start_runs // 4, 3)), None),
        row("reset, in-process, SQLite file", reset_times_ms(True, "file", reset_runs),
            RESET_TARGET_MS),
        row("reset, in-process, `:memory:`", reset_times_ms(True, ":memory:", reset_runs),
            RESET_TARGET_MS),
        row("reset, subprocess, SQLite file", reset_times_ms(False, "file", reset_runs),
            RESET_TARGET_MS),
        "",
        f"Once per test process, before the first in-process start: importing Starlette,"
        f" Granian and the app takes {imports:.0f} ms in a fresh interpreter (median of 5);"
        f" the first start in this run, imports included, took {first:.0f} ms.",
        "",
    ]  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    """Print the report, or write it with ``--write PATH``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help="write the Markdown report here")
    parser.add_argument("--start-runs", type=int, default=20)
    parser.add_argument("--reset-runs", type=int, default=200)
    args = parser.parse_args()
    text = report(args.start_runs, args.reset_runs)
    print(text)
    if args.write is not None:
        args.write.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
