"""What faults and the journal cost the mock with no fault firing: this tree vs an earlier commit.

Run from the repository root: `.venv/bin/python bench/mock_fault_overhead.py --base <commit>`
(needs `wrk`). Targets, each a fresh `python -m posthog_mock` with 100 seeded experiments:

- **before**: `src/posthog_mock` of `--base` (the code path without faults or journal);
- **faults off**: this tree, no fault installed (the journal records every request);
- **faults off, no journal**: the same with `--journal-size 0`, the fault layer's cost alone;
- **rule, no match**: this tree with one rule installed that never fires (DELETE on detail).

Rounds alternate the targets (before, off, rule, before, ...) so drift on a shared machine hits
all of them alike; the table gives each target's median over the rounds, and the check compares
the medians. Servers run on CPU 0, wrk on CPU 1, as in `mock_throughput.py`.

Over HTTP on a shared 2-core machine, runs differ by far more than 3 %; so the same three code
paths are also measured without sockets, as CPU time per request of the ASGI app called
directly (`asgi_request_cost.py`, alternating processes), which is where the layer adds work.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Final

import httpx
from mock_throughput import (
    CREATE_BODY,
    KEY,
    OPERATIONS,
    ROOT,
    Result,
    background,
    free_port,
    parse_wrk,
    pinned,
    run_wrk,
    wait_until_ready,
)

TARGETS: Final = ("before", "faults off", "faults off, no journal", "rule, no match")
_TICKS: Final = os.sysconf("SC_CLK_TCK")
# CPU seconds the server's processes spent per request, by (target, operation), every round.
SERVER_CPU: dict[tuple[str, str], list[float]] = {}


def group_cpu_seconds(group: int) -> float:
    """User + system CPU seconds of every process in a process group (Linux /proc)."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # pgrp, after the ")" that ends the command name
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / _TICKS


def measure(
    target: str, urls: dict[str, str], args: argparse.Namespace, work: Path, group: int
) -> list[Result]:
    """wrk each operation; also record the server's CPU time per answered request."""
    results = []
    for operation in OPERATIONS:
        options = {"post": operation == "create", "connections": args.connections}
        run_wrk(urls[operation], duration=args.warmup, script_dir=work, **options)
        before = group_cpu_seconds(group)
        output = run_wrk(urls[operation], duration=args.duration, script_dir=work, **options)
        cpu = group_cpu_seconds(group) - before
        result = parse_wrk(target, operation, output)
        requests = re.search(r"(\d+) requests in", output)
        assert requests, output
        SERVER_CPU.setdefault((target, operation), []).append(cpu / int(requests.group(1)))
        print(f"{target:14} {operation:8} {result.rps:9.0f} req/s", flush=True)
        results.append(result)
    return results


BUDGET: Final = 0.03  # faults off may cost at most 3 % of the throughput


def export_tree(commit: str, into: Path) -> Path:
    """Write `src/posthog_mock` of `commit` under `into`; return the folder to put on PYTHONPATH."""
    archive = subprocess.run(
        ["git", "archive", commit, "src/posthog_mock"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def run_target(
    target: str, old_src: Path, args: argparse.Namespace, work: Path, round_number: int
) -> list[Result]:
    """Start one server, seed it, measure every operation, stop it."""
    port = free_port()
    db = work / f"{target.replace(' ', '-').replace(',', '')}-{round_number}.sqlite3"
    command = [sys.executable, "-m", "posthog_mock", "--port", str(port), "--db", str(db)]
    if target == "faults off, no journal":
        command += ["--journal-size", "0"]
    env = dict(os.environ)
    if target == "before":
        env["PYTHONPATH"] = str(old_src)
    log = work / "server.log"
    with background(pinned("0", command), log, env=env) as server:
        base = f"http://127.0.0.1:{port}"
        wait_until_ready(f"{base}/_mock/health", log)
        faults = httpx.get(f"{base}/_mock/faults").status_code
        if (faults == 404) != (target == "before"):
            raise SystemExit(f"{target}: /_mock/faults answered {faults}: wrong code under test")
        headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
        with httpx.Client(base_url=base, headers=headers) as http:
            ids = [
                http.post("/api/projects/1/web_experiments/", content=CREATE_BODY).json()["id"]
                for _ in range(100)
            ]
            if target == "rule, no match":
                rule = {"kind": "status", "status": 503, "method": "DELETE", "route": "detail"}
                http.post("/_mock/faults", json=rule).raise_for_status()
        urls = {
            "retrieve": f"{base}/api/projects/1/web_experiments/{ids[50]}/",
            "list": f"{base}/api/projects/1/web_experiments/?limit=10",
            "create": f"{base}/api/projects/1/web_experiments/",
        }
        return measure(target, urls, args, work, server.pid)


def asgi_costs(old_src: Path, args: argparse.Namespace) -> dict[str, list[dict[str, float]]]:
    """CPU µs per request of each code path, `--asgi-rounds` alternating runs each."""
    script = str(ROOT / "bench" / "asgi_request_cost.py")
    runs: dict[str, list[dict[str, float]]] = {target: [] for target in TARGETS}
    for _ in range(args.asgi_rounds):
        for target in TARGETS:
            env = dict(os.environ)
            if target == "before":
                env["PYTHONPATH"] = str(old_src)
            command = [sys.executable, script, "--requests", str(args.asgi_requests)]
            if target == "rule, no match":
                command.append("--rule")
            if target == "faults off, no journal":
                command.append("--no-journal")
            done = subprocess.run(
                pinned("0", command), env=env, capture_output=True, text=True, check=True
            )
            runs[target].append(json.loads(done.stdout))
    return runs


def render_asgi(runs: dict[str, list[dict[str, float]]], args: argparse.Namespace) -> str:
    """Median CPU µs per request of each path and the check against the budget."""
    lines = [
        "| target | operation | median CPU µs per request | per run |",
        "|---|---|---:|---|",
    ]
    medians: dict[tuple[str, str], float] = {}
    for operation in ("retrieve", "list"):
        for target in TARGETS:
            values = [run[operation] for run in runs[target]]
            medians[(target, operation)] = statistics.median(values)
            per_run = ", ".join(f"{value:.1f}" for value in values)
            lines.append(
                f"| {target} | {operation} | {medians[(target, operation)]:.1f} | {per_run} |"
            )
    checks = []
    for target in TARGETS[1:]:
        for operation in ("retrieve", "list"):
            before = medians[("before", operation)]
            cost = medians[(target, operation)] / before - 1
            verdict = "met" if cost <= BUDGET else "NOT met"
            checks.append(
                f"- {target} vs before, {operation}: {cost:+.1%} CPU per request"
                f" (throughput {1 / (1 + cost) - 1:+.1%}; target: at most 3 % fewer: {verdict})"
            )
    setup = (
        f"ASGI app called directly, {args.asgi_requests} requests per operation and run,"
        f" {args.asgi_rounds} alternating runs per target (process CPU time; list = a page of"
        " 100 experiments)."
    )
    return "\n".join([setup, "", *lines, "", *checks, ""])


def render(rounds: list[list[Result]], args: argparse.Namespace) -> str:
    """The median table, every round's req/s, and the check against the 3 % budget."""
    by: dict[tuple[str, str], list[Result]] = {}
    for results in rounds:
        for result in results:
            by.setdefault((result.target, result.operation), []).append(result)
    lines = [
        "| target | operation | median req/s | median p50 (ms) | median p99 (ms)"
        " | req/s per round |",
        "|---|---|---:|---:|---:|---|",
    ]
    medians: dict[tuple[str, str], float] = {}
    for operation in OPERATIONS:
        for target in TARGETS:
            runs = by[(target, operation)]
            rps = statistics.median(r.rps for r in runs)
            medians[(target, operation)] = rps
            per_round = ", ".join(f"{r.rps:,.0f}" for r in runs)
            lines.append(
                f"| {target} | {operation} | {rps:,.0f}"
                f" | {statistics.median(r.p50_ms for r in runs):.2f}"
                f" | {statistics.median(r.p99_ms for r in runs):.2f} | {per_round} |"
            )
    lines += [
        "",
        "Server CPU time per answered request (all of the server's processes, Granian included),"
        " median over the rounds; CPU time per request does not depend on how busy the machine"
        " is the way req/s does:",
        "",
        "| target | operation | median server CPU µs per request | per round |",
        "|---|---|---:|---|",
    ]
    cpu: dict[tuple[str, str], float] = {}
    for operation in OPERATIONS:
        for target in TARGETS:
            values = SERVER_CPU[(target, operation)]
            cpu[(target, operation)] = statistics.median(values)
            per_round = ", ".join(f"{value * 1e6:.0f}" for value in values)
            lines.append(
                f"| {target} | {operation} | {cpu[(target, operation)] * 1e6:.0f} | {per_round} |"
            )
    checks = []
    for target in TARGETS[1:]:
        for operation in OPERATIONS:
            rps_change = medians[(target, operation)] / medians[("before", operation)] - 1
            cost = 1 - cpu[("before", operation)] / cpu[(target, operation)]
            verdict = "met" if cost <= BUDGET else "NOT met"
            checks.append(
                f"- {target} vs before, {operation}: server CPU per request {cost:+.1%} of the"
                f" throughput it allows (target: at most {BUDGET:.0%} fewer: {verdict});"
                f" measured req/s {rps_change:+.1%} (noise on this machine)"
            )
    errors = sum(r.errors + r.non_2xx for results in rounds for r in results)
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    setup = (
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, load average at"
        f" the end {load}, Python {platform.python_version()}; before = {args.base};"
        f" {args.rounds} rounds of wrk -t1 -c{args.connections} -d{args.duration:g}s after a"
        f" {args.warmup:g}s warm-up per operation; non-2xx and socket errors: {errors}."
    )
    return "\n".join([setup, "", *lines, "", *checks, ""])


def main() -> int:
    """Measure every target for `--rounds` alternating rounds and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="commit of the code path to compare with")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5, help="seconds per measurement")
    parser.add_argument("--warmup", type=int, default=1, help="seconds of warm-up per run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--asgi-rounds", type=int, default=7)
    parser.add_argument("--asgi-requests", type=int, default=3000)
    parser.add_argument("--output", type=Path, help="also write the report here")
    args = parser.parse_args()
    rounds: list[list[Result]] = []
    with tempfile.TemporaryDirectory(prefix="fault-bench-") as tmp:
        work = Path(tmp)
        old_src = export_tree(args.base, work)
        asgi = asgi_costs(old_src, args)
        for round_number in range(args.rounds):
            results: list[Result] = []
            for target in TARGETS:
                results += run_target(target, old_src, args, work, round_number)
            rounds.append(results)
    report = render_asgi(asgi, args) + ("\n" + render(rounds, args) if rounds else "")
    print()
    print(report)
    if args.output is not None:
        args.output.write_text(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
