"""Command line: `python -m parity list | record | live`."""

from __future__ import annotations

import argparse
import datetime
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any, Final

import requests

from contract_tests.guard import posthog_cloud_host
from parity.compare import ScenarioComparison, compare_runs
from parity.corpus import BY_NAME, SCENARIOS
from parity.executor import (
    INTERRUPTION,
    Executor,
    ScenarioRun,
    live_executor,
    plain_executor,
)
from parity.model import Scenario
from parity.snapshots import SNAPSHOT_DIR, build_snapshot, write_snapshot
from parity.targets import ParityTarget, TargetConfigError, from_environment, mock_target
from parity.transformers import normalise

DEFAULT_MAX_CREATES: Final = 400
DEFAULT_REQUESTS_PER_MINUTE: Final = 400
LEDGER: Final = Path("reports/parity-ledger.json")
RECORDED_AGAINST_VARIABLE: Final = "PARITY_RECORDED_AGAINST"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m parity", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="print every scenario with its area and step count")
    for name, text in (
        ("record", "run the corpus on POSTHOG_HOST and write one snapshot per scenario"),
        ("live", "run the corpus on POSTHOG_HOST and on a fresh mock, print every difference"),
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
            "--destructive-probes",
            action="store_true",
            help="on a disposable server only: also run the scenarios that store values"
            " breaking reads (parity/corpus/read_breaking.py); refused on PostHog Cloud",
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


def experiments_in_main_project(target: ParityTarget) -> int:
    """Count the experiments of the target's main project (one read request)."""
    url = f"{target.base_url}/api/projects/{target.projects['main']}/web_experiments/?limit=1"
    response = requests.get(
        url, headers={"Authorization": f"Bearer {target.keys['all']}"}, timeout=30
    )
    response.raise_for_status()
    count = response.json()["count"]
    return int(count)


def _normalised(run: ScenarioRun, target: ParityTarget) -> list[dict[str, Any]]:
    return normalise([e.as_json() for e in run.exchanges], target)


def record(args: argparse.Namespace, target: ParityTarget) -> int:
    """Record snapshots of the selected scenarios."""
    scenarios = _select(args.scenarios)
    if not args.recorded_against:
        print(
            f"error: say what the server is: --recorded-against or {RECORDED_AGAINST_VARIABLE}",
            file=sys.stderr,
        )
        return 2
    held = experiments_in_main_project(target)
    if held:
        print(
            f"error: recording needs an empty project; project {target.projects['main']} "
            f"holds {held} experiment(s) (seed one with parity/seed_oracle.py)",
            file=sys.stderr,
        )
        return 2
    recorded_against = {
        "server": args.recorded_against,
        "date": datetime.datetime.now(datetime.UTC).date().isoformat(),
    }
    failures = 0
    with live_executor(
        target,
        LEDGER,
        max_creates=args.max_creates,
        requests_per_minute=args.requests_per_minute or None,
        destructive_probes=args.destructive_probes,
    ) as executor:
        for scenario in scenarios:
            run = executor.run(scenario)
            if run.not_run or run.error:
                failures += 1
                print(f"FAILED {scenario.name}: {run.not_run or run.error}")
                continue
            snapshot = build_snapshot(scenario, _normalised(run, target), recorded_against)
            path = write_snapshot(snapshot, args.output)
            stale = [
                o
                for o in snapshot["overrides"]
                if o["recorded"] == o["expected"] and o["recorded_absent"] == o["expected_absent"]
            ]
            note = f" ({len(snapshot['overrides'])} override(s))" if snapshot["overrides"] else ""
            print(f"recorded {scenario.name}: {len(run.exchanges)} step(s){note} -> {path}")
            for entry in stale:
                failures += 1
                print(
                    f"  STALE override step {entry['step']} {entry['path']}: the server "
                    "already answers the overriding value; remove the override"
                )
    print(f"{executor.requests_sent} requests sent; {failures} failure(s)")
    return 1 if failures else 0


def _print_comparison(result: ScenarioComparison) -> None:
    if result.not_run:
        print(f"\n## {result.scenario} ({result.area}): NOT RUN: {result.not_run}")
        return
    if not result.findings:
        return
    print(f"\n## {result.scenario} ({result.area})")
    by_rule: dict[tuple[int, str], list[str]] = {}
    overridden: dict[tuple[int, str, str], list[str]] = {}
    for finding in result.findings:
        key = (finding.step, finding.rule)
        by_rule.setdefault(key, [])
        if finding.override is None:
            by_rule[key].append(finding.difference.describe("live", "mock"))
        else:
            where = (finding.step, finding.rule, finding.override.reason)
            overridden.setdefault(where, []).append(finding.difference.path)
    for (step, rule), texts in by_rule.items():
        print(f"- step {step}: {rule}")
        for text in texts:
            print("  DIFFERENCE " + text.replace("\n", "\n  "))
        for (o_step, o_rule, reason), paths in overridden.items():
            if (o_step, o_rule) == (step, rule):
                print(f"  known override ({', '.join(paths)}): {reason}")


def live(args: argparse.Namespace, target: ParityTarget) -> int:
    """Run the selected scenarios on the live target and a fresh mock; print the differences."""
    scenarios = _select(args.scenarios)
    held = experiments_in_main_project(target)
    results: list[ScenarioComparison] = []
    with (
        live_executor(
            target,
            LEDGER,
            max_creates=args.max_creates,
            requests_per_minute=args.requests_per_minute or None,
            destructive_probes=args.destructive_probes,
        ) as live_run,
        mock_target() as mock,
        plain_executor(mock) as mock_run,
    ):
        for scenario in scenarios:
            results.append(
                _side_by_side(
                    scenario,
                    target=target,
                    live_run=live_run,
                    mock=mock,
                    mock_run=mock_run,
                    held=held,
                )
            )
            _print_comparison(results[-1])
    differences = sum(len(r.differences) for r in results)
    overridden = len(
        {
            (r.scenario, f.step, f.override.reason)
            for r in results
            for f in r.overridden
            if f.override
        }
    )
    not_run = [r for r in results if r.not_run]
    failed = {r.scenario for r in results if r.differences}
    print(
        f"\n{len(results)} scenarios, {live_run.requests_sent} live requests, "
        f"{mock_run.requests_sent} mock requests: {differences} difference(s) in "
        f"{len(failed)} scenario(s), {overridden} known override(s) (listed above, with "
        f"reasons), {len(not_run)} not run"
    )
    return 1 if differences else 0


def _side_by_side(
    scenario: Scenario,
    *,
    target: ParityTarget,
    live_run: Executor,
    mock: ParityTarget,
    mock_run: Executor,
    held: int,
) -> ScenarioComparison:
    if scenario.empty_project and held:
        return ScenarioComparison(
            scenario.name,
            scenario.area,
            not_run=f"needs an empty project; project {target.projects['main']} holds {held} "
            "experiment(s) this run did not create",
        )
    live_result = live_run.run(scenario)
    if live_result.not_run or live_result.error:
        return ScenarioComparison(
            scenario.name, scenario.area, not_run=live_result.not_run or live_result.error
        )
    mock_result = mock_run.run(scenario)
    if mock_result.error:
        return ScenarioComparison(
            scenario.name, scenario.area, not_run=f"mock: {mock_result.error}"
        )
    return compare_runs(
        live_result, _normalised(live_result, target), _normalised(mock_result, mock)
    )


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    INTERRUPTION.request()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m parity`."""
    args = _parser().parse_args(argv)
    if args.command == "list":
        for scenario in SCENARIOS:
            requests_count = sum(step.repeat for step in scenario.steps)
            print(f"{scenario.area:24} {scenario.name:45} {requests_count:4} {scenario.rule}")
        return 0
    try:
        target = from_environment(os.environ)
    except TargetConfigError as exc:
        print(f"error: parity {args.command} {exc}", file=sys.stderr)
        return 2
    cloud = posthog_cloud_host(target.base_url)
    if args.destructive_probes and cloud is not None:
        print(
            f"error: --destructive-probes is refused on PostHog Cloud ({cloud}): those"
            " scenarios store values that break every read of the project's web experiments"
            " until deleted; use a disposable server",
            file=sys.stderr,
        )
        return 2
    # Ctrl-C and SIGTERM both end a run through its cleanup, also when it was started in the
    # background (where SIGINT is inherited as ignored).
    previous = (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM))
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        return record(args, target) if args.command == "record" else live(args, target)
    except KeyboardInterrupt:
        print("\ninterrupted: experiments this run created were deleted", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGINT, previous[0])
        signal.signal(signal.SIGTERM, previous[1])
