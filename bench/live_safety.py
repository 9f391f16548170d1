"""Every live tool is safe on a real PostHog, measured from outside the tools.

For each live tool (contract-live, parity-live, parity-fuzz, parity-surface, watch), against
POSTHOG_HOST / POSTHOG_PROJECT_ID (and PARITY_OTHER_PROJECT_ID), while a plain reader lists the
project every 0.25 s with its own key, each time on a fresh connection (see `Poller`), and
counts every answer that is not a 200:

1. a run with the all-scopes key;
2. a run with a key holding only experiment scopes (`--experiment-only-key`): the flags its
   journal says are left must all be named in its output;
3. a run with the all-scopes key killed with SIGKILL right after its first create (the journal
   shows it sent, or with `--kill-when answered` its answer), then a run of the next tool in
   the list, which must clean it up.

Before and after each tool it counts the experiments and the active and inactive feature flags
of both projects through the API: they must be equal. Each tool's runs
are bounded (few examples, a scenario subset, a request bound) so the whole takes minutes.

    source oracle-env.txt
    python bench/live_safety.py --experiment-only-key "$PARITY_WRITE_KEY" \
        --tools contract-live parity-live parity-fuzz parity-surface watch
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

REPO = Path(__file__).resolve().parent.parent
POLL_INTERVAL_SECONDS = 0.25
SLOW_LIST_SECONDS = 2.0
JOURNAL = REPO / "reports" / "live-journal.json"
TOOLS = ("contract-live", "parity-live", "parity-fuzz", "parity-surface", "watch")
# A bounded subset of the parity corpus: writes, reads back, other keys and projects.
PARITY_AREAS = ("update", "delete", "variants_representation", "scopes_and_projects")


@dataclass
class Poller:
    """Lists the project every 0.25 s on its own thread; counts answers that are not 200.

    Every list opens a fresh connection and asks the server to close it after answering
    (`Connection: close`), so no list is ever sent on an idle keep-alive connection: PostHog's
    gunicorn closes a connection idle for its `keepalive` (2 s by default), and a request sent on
    a reused connection as the server closes it fails without any fault of the server's
    application. On a fresh connection every failure is the server's (refused, reset, timed
    out, or an answer other than 200), and nothing is retried: each one is counted, with the
    exception's text.
    """

    url: str
    key: str
    reads: int = 0
    failures: list[str] = field(default_factory=list)
    slowest: float = 0.0
    slow_lists: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        """Poll until stopped."""
        headers = {"Authorization": f"Bearer {self.key}", "Connection": "close"}
        while not self._stop.is_set():
            started = time.monotonic()
            stamp = time.strftime("%H:%M:%S")
            try:
                # No session: a new connection pool, so a new connection, for every list.
                answer = requests.get(self.url, headers=headers, timeout=30)
                if answer.status_code != 200:
                    self.failures.append(f"{stamp} {answer.status_code}")
            except requests.RequestException as error:
                self.failures.append(f"{stamp} no answer ({type(error).__name__}: {error})")
            self.reads += 1
            seconds = time.monotonic() - started
            self.slowest = max(self.slowest, seconds)
            self.slow_lists += seconds > SLOW_LIST_SECONDS
            self._stop.wait(max(POLL_INTERVAL_SECONDS - seconds, 0))

    def stop(self) -> None:
        """Ask the thread to stop after its current read."""
        self._stop.set()

    def summary(self) -> str:
        """The poller's line: lists, failures with their text, the slowest list."""
        text = (
            f"poller: {self.reads} lists, each on a fresh connection (Connection: close),"
            f" {len(self.failures)} not 200; slowest {self.slowest:.2f} s,"
            f" {self.slow_lists} over {SLOW_LIST_SECONDS:.0f} s"
        )
        return text + "".join(f"\n  {failure}" for failure in self.failures[:20])


def counts(host: str, projects: list[str], key: str) -> dict[str, int]:
    """Experiments, active and inactive flags of each project (the API's counts)."""
    headers = {"Authorization": f"Bearer {key}"}
    result = {}
    urls = []
    for p in projects:
        base = f"{host}/api/projects/{p}"
        urls += [
            (f"experiments {p}", f"{base}/web_experiments/"),
            (f"active flags {p}", f"{base}/feature_flags/?active=true"),
            (f"inactive flags {p}", f"{base}/feature_flags/?active=false"),
        ]
    for name, url in urls:
        answer = requests.get(
            url + ("&" if "?" in url else "?") + "limit=1", headers=headers, timeout=60
        )
        answer.raise_for_status()
        result[name] = int(answer.json()["count"])
    return result


def parity_scenarios() -> list[str]:
    """The scenario names of the bounded parity subset."""
    listed = subprocess.run(
        [sys.executable, "-m", "parity", "list"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    ).stdout
    return [line.split()[1] for line in listed.splitlines() if line.split()[0] in PARITY_AREAS]


def command(tool: str, seed: int, scenarios: list[str]) -> list[str]:
    """The bounded command line of one tool."""
    python = sys.executable
    if tool == "contract-live":
        return [
            python,
            "-m",
            "contract_tests",
            "--live",
            "--seed",
            str(seed),
            "--max-examples",
            "5",
        ]
    if tool == "parity-live":
        return [python, "-m", "parity", "live", *scenarios]
    if tool == "parity-fuzz":
        return [
            python,
            "-m",
            "parity.fuzz",
            "--seed",
            str(seed),
            "--max-examples",
            "2",
            "--max-creates",
            "60",
        ]
    if tool == "parity-surface":
        return [python, "-m", "parity", "surface", "--seed", str(seed), "--max-requests", "250"]
    if tool == "watch":
        args = " ".join(scenarios[:15])
        return [python, "-m", "spec_lifecycle", "watch", "--parity-args", args]
    raise ValueError(tool)


def journal() -> dict[str, Any]:
    """The one journal of the live tools, as JSON ({} when absent or being written)."""
    try:
        data = json.loads(JOURNAL.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def run_tool(
    tool: str,
    seed: int,
    key: str,
    scenarios: list[str],
    *,
    kill_after_create: bool = False,
    kill_when: str = "sent",
) -> tuple[int, str, float, bool]:
    """Run one tool to the end (or SIGKILL it after its first create): code, output, s, killed."""
    started = time.monotonic()
    env = {**os.environ, "POSTHOG_PERSONAL_API_KEY": key}
    env.pop("POSTHOG_READ_ONLY_API_KEY", None)
    process = subprocess.Popen(
        command(tool, seed, scenarios),
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    killed = False
    if kill_after_create:
        # The run first resumes the journal it finds: only a create of its own counts.
        known = {e["id"] for e in journal().get("created", [])}
        while process.poll() is None:
            state = journal()
            ids = {e["id"] for e in state.get("created", [])}
            if ids - known or (kill_when == "sent" and state.get("pending")):
                os.killpg(process.pid, signal.SIGKILL)
                killed = True
                break
            time.sleep(0.02)
    output, _ = process.communicate()
    return process.returncode, output, time.monotonic() - started, killed


def flags_named(output: str, state: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The flag keys the journal says are left, and those of them the output does not name."""
    left = [
        e["feature_flag_key"]
        for e in [*state.get("earlier", []), *state.get("created", [])]
        if e.get("feature_flag_key") and not e.get("flag_deleted")
    ]
    tail = output[output.rfind("Feature flags left behind") :] if left else ""
    return left, [key for key in left if f"    {key}" not in tail]


def main() -> int:  # noqa: PLR0915 - one measurement, read top to bottom
    """Run the measurement and print its result as Markdown-ready text."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tools", nargs="+", default=list(TOOLS), choices=TOOLS)
    parser.add_argument("--seed", type=int, default=2301)
    parser.add_argument("--experiment-only-key", help="the second run of each tool uses it")
    parser.add_argument("--no-kill", action="store_true", help="skip the SIGKILL runs")
    parser.add_argument(
        "--kill-when",
        choices=("sent", "answered"),
        default="sent",
        help="SIGKILL once the first create is journaled as sent (default) or as answered",
    )
    parser.add_argument(
        "--only-kill", action="store_true", help="only the SIGKILL runs and the runs cleaning them"
    )
    parser.add_argument("--logs", type=Path, default=REPO / "reports" / "live-safety")
    args = parser.parse_args()
    host = os.environ["POSTHOG_HOST"].rstrip("/")
    projects = [os.environ["POSTHOG_PROJECT_ID"]]
    projects += (
        [os.environ["PARITY_OTHER_PROJECT_ID"]] if "PARITY_OTHER_PROJECT_ID" in os.environ else []
    )
    key = os.environ["POSTHOG_PERSONAL_API_KEY"]
    reader = os.environ.get("PARITY_READ_KEY", key)
    args.logs.mkdir(parents=True, exist_ok=True)
    scenarios = parity_scenarios()
    poller = Poller(f"{host}/api/projects/{projects[0]}/web_experiments/?limit=100", reader)
    before = counts(host, projects, key)
    print(f"before: {before}", flush=True)
    thread = threading.Thread(target=poller.run, daemon=True)
    thread.start()
    ok = True
    try:
        for index, tool in enumerate(args.tools):
            plan: list[tuple[str, str, str, bool]] = []
            if not args.only_kill:
                plan.append(("all-scopes key", tool, key, False))
            if args.experiment_only_key and not args.only_kill:
                plan.append(("experiment-only key", tool, args.experiment_only_key, False))
            if not args.no_kill:
                following = args.tools[(index + 1) % len(args.tools)]
                if following == tool:
                    following = TOOLS[(TOOLS.index(tool) + 1) % len(TOOLS)]
                plan += [("SIGKILL after first create", tool, key, True)]
                plan += [(f"next run, cleaning the killed {tool}", following, key, False)]
            for label, run_tool_name, run_key, kill in plan:
                failures_before = len(poller.failures)
                code, output, seconds, killed = run_tool(
                    run_tool_name,
                    args.seed,
                    run_key,
                    scenarios,
                    kill_after_create=kill,
                    kill_when=args.kill_when,
                )
                name = f"{tool}-{len(list(args.logs.glob(f'{tool}-*.log')))}"
                (args.logs / f"{name}.log").write_text(output, encoding="utf-8")
                state = journal()
                ended = f"exit {code}" + (" (killed)" if killed else "")
                line = (
                    f"{tool} / {label} ({run_tool_name}): {ended},"
                    f" {seconds:.0f} s, journal: {len(state.get('created', []))} created,"
                    f" {len(state.get('pending', []))} pending,"
                    f" {state.get('requests_sent')} requests;"
                    f" poller non-200: {len(poller.failures) - failures_before}"
                )
                if run_key != key:
                    left, unnamed = flags_named(output, state)
                    line += f"; flags left {len(left)}, named {len(left) - len(unnamed)}"
                    ok = ok and not unnamed
                if kill and not killed:
                    line += "; ended before its first create was seen"
                resumed = [ln for ln in output.splitlines() if "resumed the journal" in ln]
                if resumed:
                    line += f"; {resumed[0].strip()[:300]}"
                print(line, flush=True)
            now = counts(host, projects, key)
            print(f"after {tool}: {now} (equal to before: {now == before})", flush=True)
    finally:
        poller.stop()
        thread.join()
    after = counts(host, projects, key)
    print(f"after: {after}")
    print(poller.summary())
    print(f"counts equal before and after: {before == after}")
    return 0 if ok and before == after and not poller.failures else 1


if __name__ == "__main__":
    raise SystemExit(main())
