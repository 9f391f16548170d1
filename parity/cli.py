"""Command line: `python -m parity list | record | live | tables` (also `posthog-parity`)."""

from __future__ import annotations

import argparse
import datetime
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager as ContextManager
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

from live_road.cleanup import LeftoversError
from live_road.facts import posthog_cloud_host
from live_road.journal import DEFAULT_JOURNAL, JournalTargetError
from live_road.restarts import wait_until_up
from parity import surface
from parity.corpus import BY_NAME, SCENARIOS
from parity.executor import INTERRUPTION, Executor, ScenarioRun, live_executor
from parity.model import Scenario
from parity.replay import (
    COVERAGE_PATH,
    DOCS_PATH,
    MOCK_README_PATH,
    UNEXPLAINED,
    ScenarioReplay,
    TableError,
    check_explained,
    generate,
    mock_readme,
    replay,
)
from parity.snapshots import SNAPSHOT_DIR, build_snapshot, write_snapshot
from parity.targets import ParityTarget, TargetConfigError, from_environment
from parity.transformers import normalise, only_the_runs_experiments
from posthog_mock.profiles import PROFILES

DEFAULT_MAX_CREATES: Final = 400
DEFAULT_REQUESTS_PER_MINUTE: Final = 400
RECORDED_AGAINST_VARIABLE: Final = "PARITY_RECORDED_AGAINST"
RECORD_RETRIES: Final = 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="posthog-parity", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="print every scenario with its area and step count")
    if DOCS_PATH.is_file():  # a checkout: the tables are written into its docs
        tables = sub.add_parser(
            "tables",
            help="replay the recordings on every profile; write coverage.json, docs/parity.md's"
            " tables and the mock README's table of changes",
        )
        tables.add_argument(
            "--check", action="store_true", help="write nothing; exit 1 when a file is stale"
        )
    for name, text in (
        ("record", "run the corpus on POSTHOG_HOST and write one snapshot per scenario"),
        ("live", "run the corpus on POSTHOG_HOST and on each mock profile: which PostHog is this?"),
    ):
        command = sub.add_parser(name, help=text)
        command.add_argument("scenarios", nargs="*", help="only these scenarios (default all)")
        command.add_argument(
            "--max-creates",
            type=int,
            default=DEFAULT_MAX_CREATES,
            help=f"experiments the run may create (default {DEFAULT_MAX_CREATES})",
        )
        command.add_argument(
            "--requests-per-minute",
            type=int,
            default=DEFAULT_REQUESTS_PER_MINUTE,
            help="pace requests to the live server (0: unpaced; default "
            f"{DEFAULT_REQUESTS_PER_MINUTE})",
        )
        command.add_argument(
            "--own-server",
            action="store_true",
            help="a server you own (never PostHog Cloud): send every request of the corpus,"
            " with no live guard (list-route writes, unknown sub-paths, values breaking reads)",
        )
    surface.add_arguments(
        sub.add_parser(
            "surface",
            help="send the surface generator's probes to POSTHOG_HOST (or a mock) and a fresh "
            "mock in lockstep; print the differences by kind",
        )
    )
    sub.choices["record"].add_argument(
        "--output",
        type=Path,
        default=SNAPSHOT_DIR,
        help="snapshot folder (default parity/snapshots)",
    )
    sub.choices["record"].add_argument(
        "--recorded-against",
        default=os.environ.get(RECORDED_AGAINST_VARIABLE, ""),
        help=f"what the server is (PostHog version or commit; env {RECORDED_AGAINST_VARIABLE})",
    )
    return parser


def _select(names: Sequence[str]) -> list[Scenario]:
    unknown = [name for name in names if name not in BY_NAME]
    if unknown:
        raise SystemExit(f"error: unknown scenario(s): {', '.join(unknown)}")
    return [BY_NAME[name] for name in names] if names else list(SCENARIOS)


def experiments_in(executor: Executor, role: str = "main") -> int:
    """Count the experiments of one of the target's projects (one read, through the live road).

    Counted once the live road has deleted what earlier runs left, so only others' remain.
    """
    target = executor.target
    url = f"{target.base_url}/api/projects/{target.projects[role]}/web_experiments/?limit=1"
    headers = {"Authorization": f"Bearer {target.keys['all']}"}
    response = executor.sessions["default"].get(url, headers=headers, timeout=30)
    response.raise_for_status()
    return int(response.json()["count"])


def _server_trouble(run: ScenarioRun) -> str | None:
    if run.error and ("ConnectionError" in run.error or "Timeout" in run.error):
        return run.error
    bad = [e.response.get("status") for e in run.exchanges if e.response.get("status") == 502]
    return "502 Bad Gateway" if bad else None


def _normalised(
    run: ScenarioRun,
    target: ParityTarget,
    own: set[int] | None = None,
    held: dict[str, int] | None = None,
) -> list[dict[str, Any]]:
    exchanges = [e.as_json() for e in run.exchanges]
    if own is not None and held:
        only_the_runs_experiments(exchanges, own, held)
    return normalise(exchanges, target)


def _live_executor(args: argparse.Namespace, target: ParityTarget) -> ContextManager[Executor]:
    """Open the live road's executor for `record` or `live`, as the command line asks."""
    return live_executor(
        target,
        DEFAULT_JOURNAL,
        max_creates=args.max_creates,
        requests_per_minute=args.requests_per_minute or None,
        own_server=args.own_server,
        tool=f"parity-{args.command}",
    )


def record(args: argparse.Namespace, target: ParityTarget) -> int:
    """Record snapshots of the selected scenarios."""
    scenarios = _select(args.scenarios)
    if not args.recorded_against:
        print(
            f"error: say what the server is: --recorded-against or {RECORDED_AGAINST_VARIABLE}",
            file=sys.stderr,
        )
        return 2
    wait_until_up(target.base_url, timeout=300.0, interval=3.0)
    recorded_against = {
        "server": args.recorded_against,
        "date": datetime.datetime.now(datetime.UTC).date().isoformat(),
    }
    failures = 0
    with _live_executor(args, target) as executor:
        held = experiments_in(executor)
        if held:
            print(
                f"error: recording needs an empty project; project {target.projects['main']} "
                f"holds {held} experiment(s) (seed one with parity/seed_oracle.py)",
                file=sys.stderr,
            )
            return 2
        for scenario in scenarios:
            run = executor.run(scenario)
            for _ in range(RECORD_RETRIES):
                if not _server_trouble(run):
                    break
                # A shared server restarting (a crashed worker) is no answer: wait, record again.
                print(f"retrying {scenario.name} once the server is up: {_server_trouble(run)}")
                wait_until_up(target.base_url, timeout=300.0, interval=3.0)
                run = executor.run(scenario)
            if run.not_run or run.error:
                failures += 1
                print(f"FAILED {scenario.name}: {run.not_run or run.error}")
                continue
            snapshot = build_snapshot(scenario, _normalised(run, target), recorded_against)
            path = write_snapshot(snapshot, args.output)
            print(f"recorded {scenario.name}: {len(run.exchanges)} step(s) -> {path}")
    print(f"{executor.requests_sent} requests sent; {failures} failure(s)")
    return 1 if failures else 0


def live(args: argparse.Namespace, target: ParityTarget) -> int:
    """Run the scenarios on the live target, then on each mock profile; say which one it is."""
    scenarios = _select(args.scenarios)
    reference: dict[str, list[dict[str, Any]]] = {}
    not_run: dict[str, str] = {}
    with _live_executor(args, target) as live_run:
        held_by_role = {
            role: experiments_in(live_run, role)
            for role in ("main", "other")
            if role in target.projects
        }
        for scenario in scenarios:
            if scenario.empty_project and held_by_role["main"]:
                not_run[scenario.name] = (
                    f"needs an empty project; project {target.projects['main']} holds"
                    f" {held_by_role['main']} experiment(s) this run did not create"
                )
                continue
            run = live_run.run(scenario)
            if run.not_run or run.error:
                not_run[scenario.name] = str(run.not_run or run.error)
            else:
                # Judged on what the run created: lists lose the project's other experiments.
                assert live_run.transport is not None
                own = set(live_run.transport.journal.created)
                reference[scenario.name] = _normalised(run, target, own, held_by_role)
    for name, reason in not_run.items():
        print(f"NOT RUN {name}: {reason}")
    replays = {profile: replay(profile, reference) for profile in PROFILES}
    counts = {profile: _print_profile(profile, results) for profile, results in replays.items()}
    steps = sum(len(exchanges) for exchanges in reference.values())
    summary = ", ".join(f"{p}: {n} differing step(s)" for p, n in counts.items())
    print(
        f"\n{len(reference)} scenarios run ({steps} steps, {live_run.requests_sent} live"
        f" requests), {len(not_run)} not run; {summary}"
    )
    matching = [profile for profile, count in counts.items() if count == 0]
    if matching:
        print(f"{target.base_url} answers as mock profile {' and '.join(matching)}")
        return 0
    closest = min(counts, key=lambda p: (counts[p], _differences(replays[p])))
    print(f"{target.base_url} matches no mock profile; closest: {closest}")
    return 1


def _print_profile(profile: str, results: dict[str, ScenarioReplay]) -> int:
    """Print where `profile` differs from the live answers; return its differing steps."""
    differing = [r for r in results.values() if r.error or r.differences]
    print(f"\n## mock profile {profile}: {len(differing)} scenario(s) differ")
    for result in differing:
        print(result.report("live", profile))
    return sum(len(r.steps) or 1 for r in differing)


def _differences(results: dict[str, ScenarioReplay]) -> int:
    return sum(len(r.differences) + bool(r.error) for r in results.values())


def tables(args: argparse.Namespace) -> int:
    """Regenerate (or, with --check, verify) parity/coverage.json and the tables of the docs."""
    if not DOCS_PATH.is_file():
        print(f"error: tables are written into {DOCS_PATH}, which is not here", file=sys.stderr)
        return 2
    made = generate()
    try:
        check_explained(made.by_change)
    except TableError as exc:
        print(f"error: {exc}", file=sys.stderr)
    files = {
        COVERAGE_PATH: made.coverage_file(),
        DOCS_PATH: made.document(DOCS_PATH.read_text(encoding="utf-8")),
        MOCK_README_PATH: mock_readme(MOCK_README_PATH.read_text(encoding="utf-8")),
    }
    stale = [path for path, text in files.items() if path.read_text(encoding="utf-8") != text]
    if args.check:
        for path in stale:
            print(f"stale: {path} (run python -m parity tables)")
        return 1 if stale else 0
    for path in stale:
        path.write_text(files[path], encoding="utf-8")
        print(f"wrote {path}")
    return 1 if made.by_change.get(UNEXPLAINED) else 0


@contextmanager
def _stop_between_requests() -> Iterator[None]:
    """Ctrl-C and SIGTERM ask the run to stop before its next request (then it cleans up).

    Also when it was started in the background, where SIGINT is inherited as ignored.
    """
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in previous:
        signal.signal(sig, lambda _signum, _frame: INTERRUPTION.request())
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m parity`."""
    args = _parser().parse_args(argv)
    if args.command == "list":
        for scenario in SCENARIOS:
            requests_count = sum(step.repeat for step in scenario.steps)
            print(f"{scenario.area:24} {scenario.name:45} {requests_count:4} {scenario.rule}")
        return 0
    if args.command == "tables":
        return tables(args)
    if args.command == "surface":
        with _stop_between_requests():
            return surface.run(args)
    try:
        target = from_environment(os.environ)
    except TargetConfigError as exc:
        print(f"error: parity {args.command} {exc}", file=sys.stderr)
        return 2
    if args.own_server and posthog_cloud_host(target.base_url) is not None:
        print(
            f"error: --own-server is refused for PostHog Cloud ({target.base_url}): the live"
            " guard stays on for every project there",
            file=sys.stderr,
        )
        return 2
    try:
        with _stop_between_requests():
            return record(args, target) if args.command == "record" else live(args, target)
    except (LeftoversError, JournalTargetError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted: experiments this run created were deleted", file=sys.stderr)
        return 130
