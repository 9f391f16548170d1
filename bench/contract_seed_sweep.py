"""Seed sweep: the conformance suite against the faithful mock, many random seeds, 0 failures.

Runs `python -m contract_tests` with fresh random seeds, `--default-runs` times in its default
mode (embedded mock, every phase) and `--live-runs` times in live mode (`--live`, the create
budget and guard of a production run, every phase including stateful) against a fresh mock.
A faithful server must pass every one; the result table names each failing seed with the
command that replays it. Not part of CI (it takes minutes); the recorded result is in
`bench/contract_seed_sweep.md`:

    .venv/bin/python bench/contract_seed_sweep.py --write bench/contract_seed_sweep.md
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))  # contract_tests lives in the checkout, not in .venv

from contract_tests.targets import MOCK_CONFIG, MOCK_FULL_KEY, MOCK_READ_ONLY_KEY  # noqa: E402
from posthog_mock.testing import MockServer  # noqa: E402


@dataclass(frozen=True)
class SweepRun:
    """One run of the suite: its mode, seed, exit code, duration and failure lines."""

    mode: str
    seed: int
    returncode: int
    seconds: float
    failures: list[str]

    @property
    def replay(self) -> str:
        """The command that repeats this run."""
        live = " --live" if self.mode == "live" else ""
        return f"python -m contract_tests{live} --seed {self.seed}"


@contextmanager
def fresh_mock(directory: Path) -> Iterator[str]:
    """A mock with the suite's keys and an empty database; yields its base URL."""
    config = directory / "mock.toml"
    config.write_text(MOCK_CONFIG, encoding="utf-8")
    with MockServer.start(db_path=directory / "mock.db", config_path=config) as server:
        yield str(server.base_url).rstrip("/")


def run_once(mode: str, seed: int) -> SweepRun:
    """Run the suite once in `mode` with `seed`; keep the summary's failure lines."""
    with tempfile.TemporaryDirectory(prefix="sweep-") as tmp:
        directory = Path(tmp)
        args = [sys.executable, "-m", "contract_tests", "--seed", str(seed)]
        args += ["--reports-dir", str(directory / "reports")]
        env = {k: v for k, v in os.environ.items() if not k.startswith("POSTHOG_")}
        started = time.monotonic()
        if mode == "live":
            with fresh_mock(directory) as url:
                env.update(
                    POSTHOG_HOST=url,
                    POSTHOG_PROJECT_ID="1",
                    POSTHOG_PERSONAL_API_KEY=MOCK_FULL_KEY,
                    POSTHOG_READ_ONLY_API_KEY=MOCK_READ_ONLY_KEY,
                )
                # Pacing only spreads requests over time; against a loopback mock it is off.
                args += ["--live", "--requests-per-minute", "0"]
                completed = _run(args, env)
        else:
            completed = _run(args, env)
        seconds = time.monotonic() - started
    output = completed.stdout + completed.stderr
    failures = [
        line.strip()
        for line in output.splitlines()
        if line.startswith(("FAILED", "    - ", "DEFECT", "DISAGREE", "error:"))
    ]
    return SweepRun(mode, seed, completed.returncode, seconds, failures)


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=1800, check=False
    )


def report(runs: list[SweepRun], command: str) -> str:
    """The markdown result: totals per mode, then every run."""
    lines = [
        "# Contract suite seed sweep against the mock",
        "",
        "Every run uses a fresh random seed and a fresh mock; a faithful server must pass all.",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores,"
        f" Python {platform.python_version()}.",
        "",
        "Repeat it (new seeds each time; a failing seed is replayed by the command in its row):",
        "",
        "```sh",
        command,
        "```",
        "",
        "| mode | runs | failed | mean seconds |",
        "|---|---|---|---|",
    ]
    for mode in ("default", "live"):
        selected = [run for run in runs if run.mode == mode]
        if not selected:
            continue
        failed = sum(run.returncode != 0 for run in selected)
        mean = sum(run.seconds for run in selected) / len(selected)
        lines.append(f"| {mode} | {len(selected)} | {failed} | {mean:.0f} |")
    total_failed = sum(run.returncode != 0 for run in runs)
    lines += ["", f"**{total_failed} failures in {len(runs)} runs.**", ""]
    lines += ["| mode | seed | exit | seconds | replay |", "|---|---|---|---|---|"]
    for run in runs:
        lines.append(
            f"| {run.mode} | {run.seed} | {run.returncode} | {run.seconds:.0f} | `{run.replay}` |"
        )
    for run in runs:
        if run.returncode != 0:
            lines += ["", f"## {run.mode} seed {run.seed} (exit {run.returncode})", ""]
            lines += [f"    {failure}" for failure in run.failures[:40]]
    return "\n".join(lines) + "\n"


def main() -> int:
    """Run the sweep; print (or write) the markdown result; exit 1 when any run failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--default-runs", type=int, default=20)
    parser.add_argument("--live-runs", type=int, default=20)
    parser.add_argument("--parallel", type=int, default=2, help="runs at a time (default 2)")
    parser.add_argument("--write", type=Path, help="write the markdown result to this file")
    args = parser.parse_args()
    plan = [("default", secrets.randbelow(2**31)) for _ in range(args.default_runs)]
    plan += [("live", secrets.randbelow(2**31)) for _ in range(args.live_runs)]
    runs: list[SweepRun] = []
    with ThreadPoolExecutor(max_workers=args.parallel) as pool:
        for run in pool.map(lambda item: run_once(*item), plan):
            runs.append(run)
            status = "ok" if run.returncode == 0 else f"FAILED (exit {run.returncode})"
            print(f"{run.mode:7} seed {run.seed:<10} {run.seconds:5.0f} s  {status}", flush=True)
    command = (
        f".venv/bin/python bench/contract_seed_sweep.py --default-runs {args.default_runs}"
        f" --live-runs {args.live_runs} --write bench/contract_seed_sweep.md"
    )
    text = report(runs, command)
    if args.write:
        args.write.write_text(text, encoding="utf-8")
    print(text)
    return 1 if any(run.returncode != 0 for run in runs) else 0


if __name__ == "__main__":
    raise SystemExit(main())
