"""`make watch`: spec drift and behaviour drift (`python -m parity live`), per operation.

The coupling to the parity harness is kept thin: its exit code (0 no difference, 1 differences,
anything else an error), its last line (the summary) and the scenario and step headings of its
printed report (`## <scenario> (<area>)`, `- step <n>: <rule>`, `  DIFFERENCE ...`); each step
is placed on an operation through the corpus (`parity.corpus.BY_NAME`). A report it no longer
understands is still shown whole, its differences under "unplaced".
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from spec_lifecycle.changes import Change, by_operation
from spec_lifecycle.drift import DriftReport

REPORT_JSON: Final = Path("reports/watch.json")
PARITY_OUTPUT: Final = Path("reports/watch-parity.txt")
UNPLACED: Final = "unplaced"
_NOT_RUN: Final = re.compile(r"^NOT RUN (?P<name>\S+): (?P<reason>.*)$")
_PROFILE: Final = re.compile(r"^## mock profile (?P<profile>\S+): ")
_REPLAY: Final = re.compile(
    r"^(?P<name>[A-Za-z0-9_]+): (?:\d+ difference\(s\) from the |(?P<error>.*))"
)
_PATH: Final = re.compile(r"^steps\[(?P<step>\d+)\]")
_CLOSEST: Final = re.compile(r"matches no mock profile; closest: (?P<profile>\S+)$")
_LIST_ROUTE: Final = re.compile(r"^/api/(?P<scope>projects|environments)/[^/]+/web_experiments/?$")
_DETAIL_ROUTE: Final = re.compile(
    r"^/api/(?P<scope>projects|environments)/[^/]+/web_experiments/[^/]+/?$"
)


@dataclass
class BehaviourDifference:
    """Differences of one parity step between the live PostHog and the mock."""

    scenario: str
    step: int | None
    rule: str
    differences: int

    def describe(self) -> str:
        """`scenario step n (rule): k difference(s)`."""
        step = f" step {self.step}" if self.step is not None else ""
        return f"{self.scenario}{step} ({self.rule}): {self.differences} difference(s)"


@dataclass
class ParityOutcome:
    """What `python -m parity live` said: exit code, summary line and the differing steps."""

    exit_code: int
    summary: str
    differences: list[BehaviourDifference] = field(default_factory=list)
    not_run: list[str] = field(default_factory=list)


def parse_parity_report(text: str, exit_code: int) -> ParityOutcome:
    """Read a printed `parity live` report: its verdict line and where the closest profile differs.

    The report ends with the verdict (`<host> answers as mock profile P` or `<host> matches no
    mock profile; closest: P`); the differences counted are those of profile P's section
    (`## mock profile P: ...`, then `<scenario>: N difference(s) ...` and `steps[i]...` lines).
    """
    lines = text.splitlines()
    summary = next((line for line in reversed(lines) if line.strip()), "")
    outcome = ParityOutcome(exit_code=exit_code, summary=summary)
    closest = _CLOSEST.search(summary)
    wanted = closest["profile"] if closest else None
    section: str | None = None
    scenario: str | None = None
    steps: dict[tuple[str, int | None], BehaviourDifference] = {}
    for line in lines:
        if match := _NOT_RUN.match(line):
            outcome.not_run.append(f"{match['name']}: NOT RUN: {match['reason']}")
        elif match := _PROFILE.match(line):
            section, scenario = match["profile"], None
        elif section is None or section != wanted:
            continue
        elif match := _REPLAY.match(line):
            scenario = match["name"]
            if match["error"] is not None:
                error = BehaviourDifference(scenario, None, match["error"].strip(), 1)
                steps[(scenario, None)] = error
        elif scenario is not None and (match := _PATH.match(line)):
            step = int(match["step"])
            found = steps.setdefault((scenario, step), BehaviourDifference(scenario, step, "", 0))
            found.differences += 1
    outcome.differences.extend(steps.values())
    if exit_code == 1 and not outcome.differences:
        outcome.differences.append(BehaviourDifference(UNPLACED, None, summary, 1))
    return outcome


def operation_of(method: str, path: str, operations: Sequence[str]) -> str:
    """Name the spec operation (`METHOD /path/`) a corpus request exercises, or `other ...`."""
    route = path.split("?", 1)[0]
    for pattern, suffix in ((_LIST_ROUTE, "/"), (_DETAIL_ROUTE, "/{id}/")):
        if match := pattern.match(route):
            candidate = f"{method} /api/{match['scope']}/{{project_id}}/web_experiments{suffix}"
            return candidate if candidate in operations else f"other {candidate}"
    return f"other {method} {route}"


def place(difference: BehaviourDifference, operations: Sequence[str]) -> str:
    """Find the operation of a differing step through the corpus (unplaced when unknown)."""
    try:
        from parity.corpus import BY_NAME  # noqa: PLC0415 - only watch needs the corpus
    except ImportError:
        return UNPLACED
    scenario = BY_NAME.get(difference.scenario)
    if scenario is None or difference.step is None or difference.step >= len(scenario.steps):
        return UNPLACED
    step = scenario.steps[difference.step]
    return operation_of(step.method, step.path, operations)


def run_parity(arguments: Sequence[str]) -> ParityOutcome:
    """Run `python -m parity live`, echoing its report, and read the outcome."""
    command = [sys.executable, "-m", "parity", "live", *arguments]
    print("+ " + " ".join(command), flush=True)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, bufsize=1)
    assert process.stdout is not None
    captured: list[str] = []
    for line in process.stdout:
        sys.stdout.write(line)
        captured.append(line)
    exit_code = process.wait()
    PARITY_OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    PARITY_OUTPUT.write_text("".join(captured), encoding="utf-8")
    return parse_parity_report("".join(captured), exit_code)


def combine(
    drift: DriftReport | None,
    drift_error: str | None,
    parity: ParityOutcome,
    operations: Sequence[str],
) -> dict[str, Any]:
    """Build one row per operation: its spec changes and its behaviour differences."""
    spec_changes: dict[str, list[Change]] = by_operation(drift.changes) if drift else {}
    behaviour: dict[str, list[BehaviourDifference]] = {}
    for difference in parity.differences:
        behaviour.setdefault(place(difference, operations), []).append(difference)
    names = list(dict.fromkeys([*operations, *spec_changes, *behaviour]))
    rows = {
        name: {
            "spec_drift": [change.describe() for change in spec_changes.get(name, [])],
            "behaviour_drift": [d.describe() for d in behaviour.get(name, [])],
        }
        for name in names
    }
    return {
        "spec": drift.as_json() if drift else {"error": drift_error},
        "behaviour": {
            "exit_code": parity.exit_code,
            "summary": parity.summary,
            "not_run": parity.not_run,
            "report": str(PARITY_OUTPUT),
        },
        "operations": rows,
    }


def summary(combined: dict[str, Any]) -> str:
    """Write the side-by-side table, then both verdicts."""
    rows = combined["operations"]
    width = max([len(name) for name in rows] + [len("operation")])
    lines = [f"{'operation':{width}}  {'spec drift':>10}  {'behaviour drift':>15}"]
    for name, row in rows.items():
        lines.append(
            f"{name:{width}}  {len(row['spec_drift']):>10}  {len(row['behaviour_drift']):>15}"
        )
        lines.extend(f"{'':{width}}    spec: {text}" for text in row["spec_drift"])
        lines.extend(f"{'':{width}}    behaviour: {text}" for text in row["behaviour_drift"])
    spec = combined["spec"]
    verdict = (
        f"spec: error: {spec['error']}"
        if "error" in spec
        else f"spec: {sum(spec['counts'].values())} change(s) against {spec['recording']}"
    )
    behaviour = combined["behaviour"]
    lines.append(verdict)
    lines.append(f"behaviour (parity live, exit {behaviour['exit_code']}): {behaviour['summary']}")
    return "\n".join(lines)


def exit_code(drift: DriftReport | None, parity: ParityOutcome) -> int:
    """0: both clean; 1: a change or a difference; 2: either side could not run."""
    if drift is None or parity.exit_code not in (0, 1):
        return 2
    return 1 if drift.changed or parity.exit_code == 1 else 0


def write_report(combined: dict[str, Any]) -> None:
    """reports/watch.json."""
    REPORT_JSON.parent.mkdir(parents=True, exist_ok=True)
    REPORT_JSON.write_text(json.dumps(combined, indent=2) + "\n", encoding="utf-8")
