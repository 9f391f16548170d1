"""Live runs are safe on a real PostHog: a reader never sees a failed list, nothing is left.

Runs `make contract-live` (as `python -m contract_tests --live`) against POSTHOG_HOST /
POSTHOG_PROJECT_ID several times with different seeds, while a separate poller lists the
project every 0.25 s and counts every answer that is not a 200. Before and after, it counts the
project's experiments and its active and inactive feature flags through the API. Optionally a
first run with a key holding only experiment scopes shows the run naming every flag it left
(the next run, with the full key, soft-deletes them).

    python bench/live_safety.py --runs 10 --max-examples 20 \
        --experiment-only-key phx_oracle_experiment_write_key_0000000000000000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

REPO = Path(__file__).resolve().parent.parent
POLL_INTERVAL_SECONDS = 0.25


@dataclass
class Poller:
    """Lists the project every 0.25 s on its own thread; counts answers that are not 200."""

    url: str
    key: str
    reads: int = 0
    failures: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        """Poll until stopped."""
        with requests.Session() as session:
            while not self._stop.is_set():
                started = time.monotonic()
                stamp = time.strftime("%H:%M:%S")
                try:
                    answer = session.get(
                        self.url, headers={"Authorization": f"Bearer {self.key}"}, timeout=30
                    )
                    if answer.status_code != 200:
                        self.failures.append(f"{stamp} {answer.status_code}")
                except requests.RequestException as error:
                    self.failures.append(f"{stamp} no answer ({type(error).__name__})")
                self.reads += 1
                self._stop.wait(max(POLL_INTERVAL_SECONDS - (time.monotonic() - started), 0))

    def stop(self) -> None:
        """Ask the thread to stop after its current read."""
        self._stop.set()


def counts(host: str, project: str, key: str) -> dict[str, int]:
    """Experiments, active and inactive flags of the project, as the API counts them."""
    headers = {"Authorization": f"Bearer {key}"}
    base = f"{host}/api/projects/{project}"
    result = {}
    for name, url in (
        ("experiments", f"{base}/web_experiments/?limit=1"),
        ("active flags", f"{base}/feature_flags/?active=true&limit=1"),
        ("inactive flags", f"{base}/feature_flags/?active=false&limit=1"),
    ):
        answer = requests.get(url, headers=headers, timeout=60)
        answer.raise_for_status()
        result[name] = int(answer.json()["count"])
    return result


def contract_run(
    seed: int, max_examples: int, key: str, reports: Path, env: dict[str, str]
) -> tuple[int, str, float]:
    """One live run of the suite; its exit code, output and duration."""
    started = time.monotonic()
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "contract_tests",
            "--live",
            "--seed",
            str(seed),
            "--max-examples",
            str(max_examples),
            "--reports-dir",
            str(reports),
        ],
        env={**env, "POSTHOG_PERSONAL_API_KEY": key},
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    return completed.returncode, completed.stdout + completed.stderr, time.monotonic() - started


def flags_named(output: str, journal: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The flag keys the journal says are left, and those of them the summary does not name."""
    left = [
        e["feature_flag_key"]
        for e in [*journal.get("earlier", []), *journal.get("created", [])]
        if e.get("feature_flag_key") and not e.get("flag_deleted")
    ]
    tail = output[output.rfind("Feature flags left behind") :] if left else ""
    return left, [key for key in left if f"    {key}" not in tail]


def main() -> int:
    """Run the measurement and print its result as Markdown-ready text."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=1501)
    parser.add_argument("--max-examples", type=int, default=20)
    parser.add_argument("--experiment-only-key", help="first run with this key (experiment:*)")
    parser.add_argument("--reports-dir", type=Path, default=REPO / "reports" / "live-safety")
    args = parser.parse_args()
    host = os.environ["POSTHOG_HOST"].rstrip("/")
    project = os.environ["POSTHOG_PROJECT_ID"]
    key = os.environ["POSTHOG_PERSONAL_API_KEY"]
    env = {k: v for k, v in os.environ.items() if k != "POSTHOG_READ_ONLY_API_KEY"}
    args.reports_dir.mkdir(parents=True, exist_ok=True)
    poller = Poller(f"{host}/api/projects/{project}/web_experiments/?limit=100", key)
    before = counts(host, project, key)
    print(f"before: {before}")
    thread = threading.Thread(target=poller.run, daemon=True)
    thread.start()
    plan = [(args.first_seed - 1, args.experiment_only_key)] if args.experiment_only_key else []
    plan += [(args.first_seed + i, key) for i in range(args.runs)]
    exits: Counter[int] = Counter()
    try:
        for seed, run_key in plan:
            failures_before = len(poller.failures)
            code, output, seconds = contract_run(
                seed, args.max_examples, run_key, args.reports_dir, env
            )
            (args.reports_dir / f"run-{seed}.log").write_text(output, encoding="utf-8")
            journal = json.loads((args.reports_dir / "contract-state.json").read_text())
            last = output.rstrip().splitlines()[-1] if output.strip() else "(no output)"
            kind = "experiment-only key" if run_key != key else "all-scopes key"
            line = (
                f"seed {seed} ({kind}): {seconds:.0f} s, {journal.get('requests_sent')} requests,"
                f" {len(journal.get('created', []))} experiments created,"
                f" {len(journal.get('read_breaks', []))} read breaks,"
                f" poller non-200 during the run: {len(poller.failures) - failures_before};"
                f" {last}"
            )
            if run_key != key:
                left, unnamed = flags_named(output, journal)
                line += f"; flags left {len(left)}, named in the summary {len(left) - len(unnamed)}"
            exits[code] += 1
            print(line, flush=True)
    finally:
        poller.stop()
        thread.join()
    after = counts(host, project, key)
    print(f"after: {after}")
    print(
        f"poller: {poller.reads} lists, {len(poller.failures)} not 200"
        + (f" ({', '.join(poller.failures[:10])})" if poller.failures else "")
    )
    print(f"exit codes: {dict(exits)}; counts equal before and after: {before == after}")
    return 0 if before == after and not poller.failures else 1


if __name__ == "__main__":
    raise SystemExit(main())
