"""Replays of the recordings on mock profiles, and the tables made from them.

`replay` runs scenarios on a fresh mock of one profile and diffs each with what a reference
answered (the snapshots, or a live run). From the replays come the two generated tables of
`docs/parity.md`: the changes of `2026-05` (each step where `2026-05` differs from the recording,
attributed to the one `posthog_mock.profiles.CHANGES` entry that makes it differ) and the
coverage (recorded steps by operation, status, key and profile), kept as data in
`parity/coverage.json`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from parity import corpus
from parity.corpus import BY_NAME, SCENARIOS
from parity.diff import Difference, diff_values
from parity.executor import plain_executor
from parity.model import Scenario
from parity.snapshots import load_snapshot
from parity.targets import RECORDED_PROFILE, mock_target
from parity.transformers import normalise
from posthog_mock import profiles
from posthog_mock.profiles import CHANGES, NEWEST_VERSION, PROFILES, evidence_lines

COVERAGE_PATH: Final = Path(__file__).parent / "coverage.json"
DOCS_PATH: Final = Path(__file__).parent.parent / "docs" / "parity.md"
# The mock README's table of changes, generated from `posthog_mock.profiles` alone.
MOCK_README_PATH: Final = Path(profiles.__file__).parent / "README.md"
MOCK_README_SECTION: Final = "profiles:changes"
_STEP: Final = re.compile(r"^\[(\d+)\]")
_LIST_ROUTE: Final = re.compile(r"^/api/projects/[^/]+/web_experiments/?$")
_DETAIL_ROUTE: Final = re.compile(r"^/api/projects/[^/]+/web_experiments/[^/]+/?$")
_OPERATIONS: Final = {
    ("GET", "list"): "list",
    ("POST", "list"): "create",
    ("GET", "detail"): "retrieve",
    ("PUT", "detail"): "update",
    ("PATCH", "detail"): "partial_update",
    ("DELETE", "detail"): "destroy",
}


class TableError(RuntimeError):
    """A step of `2026-05` differs and no single change explains it, or a file cannot be made."""


# The row of the changes table for steps of `2026-05` that no single change explains.
UNEXPLAINED: Final = "(no single change)"


@dataclass
class ScenarioReplay:
    """One scenario on a mock, compared with the reference: every difference and its steps."""

    scenario: str
    differences: list[Difference] = field(default_factory=list)
    error: str | None = None
    exchanges: list[dict[str, Any]] = field(default_factory=list)

    @property
    def steps(self) -> set[int]:
        """Indices of the steps that differ."""
        return {int(m.group(1)) for d in self.differences if (m := _STEP.match(d.path))}

    def report(self, reference: str, profile: str) -> str:
        """Describe the differences path by path."""
        if self.error:
            return f"{self.scenario}: {profile}: {self.error}"
        lines = [f"{self.scenario}: {len(self.differences)} difference(s) from the {reference}"]
        lines += [
            Difference("steps" + d.path, d.expected, d.actual).describe(reference, profile)
            for d in self.differences
        ]
        return "\n".join(lines)


def recorded(scenarios: Iterable[Scenario]) -> dict[str, list[dict[str, Any]]]:
    """Return the recorded exchanges of each scenario, from its snapshot."""
    return {s.name: load_snapshot(s.name)["exchanges"] for s in scenarios}


def replay(
    profile: str, reference: Mapping[str, list[dict[str, Any]]]
) -> dict[str, ScenarioReplay]:
    """Run each scenario of `reference` on a fresh mock of `profile` and diff it with it."""
    results: dict[str, ScenarioReplay] = {}
    with mock_target(profile=profile) as target, plain_executor(target) as executor:
        for name, expected in reference.items():
            run = executor.run(BY_NAME[name])
            result = ScenarioReplay(name, error=run.error or run.not_run)
            if result.error is None:
                result.exchanges = normalise([e.as_json() for e in run.exchanges], target)
                result.differences = diff_values(expected, result.exchanges)
            results[name] = result
    return results


def differing(results: Mapping[str, ScenarioReplay]) -> dict[str, set[int]]:
    """Return the steps that differ (all of them when it could not run), by scenario."""
    found: dict[str, set[int]] = {}
    for name, result in results.items():
        steps = set(range(len(BY_NAME[name].steps))) if result.error else result.steps
        if steps:
            found[name] = steps
    return found


def attribute_changes(
    replays: Mapping[str, Mapping[str, ScenarioReplay]],
    reference: Mapping[str, list[dict[str, Any]]],
) -> dict[str, list[str]]:
    """Return the steps (`scenario#step`) where `2026-05` differs from the recording, by change.

    Each change is replayed alone (`2025-08+<change>`) on the scenarios where `2026-05` differs;
    a step is the change's when it answers there otherwise than on `2025-08`. The steps of
    `2026-05` that differ where no single change does are listed under UNEXPLAINED.
    """
    changed = differing(replays[NEWEST_VERSION])
    base = replays[RECORDED_PROFILE]
    subset = {name: reference[name] for name in changed}
    explained: set[tuple[str, int]] = set()
    by_change: dict[str, list[str]] = {}
    for change in CHANGES:
        alone = replay(f"{RECORDED_PROFILE}+{change.id}", subset) if subset else {}
        altered = {
            n: {
                int(m.group(1))
                for d in diff_values(base[n].exchanges, r.exchanges)
                if (m := _STEP.match(d.path))
            }
            | (set(changed[n]) if r.error or base[n].error else set())
            for n, r in alone.items()
        }
        steps = sorted((n, i) for n, s in altered.items() for i in s if i in changed.get(n, ()))
        explained.update(steps)
        by_change[change.id] = [f"{name}#{index}" for name, index in steps]
    unexplained = sorted((n, i) for n, s in changed.items() for i in s if (n, i) not in explained)
    by_change[UNEXPLAINED] = [f"{name}#{index}" for name, index in unexplained]
    return by_change


def check_explained(by_change: Mapping[str, list[str]]) -> None:
    """Raise TableError when a step of `2026-05` differs and no single change explains it."""
    if by_change.get(UNEXPLAINED):
        raise TableError(
            f"{NEWEST_VERSION} differs from the recording in {len(by_change[UNEXPLAINED])}"
            " step(s) where no single change of posthog_mock.profiles.CHANGES does: "
            + ", ".join(by_change[UNEXPLAINED])
        )


def _grouped(steps: list[str]) -> str:
    by_scenario: dict[str, list[str]] = {}
    for step in steps:
        name, _, index = step.partition("#")
        by_scenario.setdefault(name, []).append(index)
    return "; ".join(f"`{name}` {', '.join(indices)}" for name, indices in by_scenario.items())


def _operation(request: Mapping[str, Any]) -> str:
    method, path = str(request["method"]), str(request["path"]).partition("?")[0]
    route = "list" if _LIST_ROUTE.match(path) else "detail" if _DETAIL_ROUTE.match(path) else ""
    if not route:
        return f"{method} other path"
    return _OPERATIONS.get((method, route), f"{method} {route} route")


def _status(response: Mapping[str, Any]) -> str:
    status = response["last"]["status"] if "last" in response else response.get("status")
    return "dropped" if status is None else str(status)


def coverage(
    reference: Mapping[str, list[dict[str, Any]]],
    replays: Mapping[str, Mapping[str, ScenarioReplay]],
) -> dict[str, Any]:
    """Count recorded steps by operation, status and key; per profile, those it answers alike."""
    cells: dict[tuple[str, str, str], dict[str, int]] = {}
    for name, exchanges in reference.items():
        for index, exchange in enumerate(exchanges):
            request = exchange["request"]
            cell = (_operation(request), _status(exchange["response"]), request["key"] or "none")
            counts = cells.setdefault(cell, {"recorded": 0} | dict.fromkeys(replays, 0))
            counts["recorded"] += 1
            for profile, results in replays.items():
                if index not in differing({name: results[name]}).get(name, set()):
                    counts[profile] += 1
    return {
        "profiles": list(replays),
        "cells": [
            {"operation": op, "status": status, "key": key, **counts}
            for (op, status, key), counts in sorted(cells.items())
        ],
    }


def lost_coverage(committed: Mapping[str, Any], fresh: Mapping[str, Any]) -> list[str]:
    """Cells of `committed` that `fresh` covers with fewer steps (or not at all)."""
    now = {(c["operation"], c["status"], c["key"]): c for c in fresh["cells"]}
    lost = []
    for cell in committed["cells"]:
        where = (cell["operation"], cell["status"], cell["key"])
        for column, count in cell.items():
            if isinstance(count, int) and now.get(where, {}).get(column, 0) < count:
                lost.append(
                    f"{' '.join(where)} {column}: {count} -> {now.get(where, {}).get(column, 0)}"
                )
    return lost


def changes_table(by_change: Mapping[str, list[str]]) -> str:
    """Render the changes of `2026-05` as a Markdown table, one row per change entry."""
    lines = [
        "| change | what it changes | first seen | evidence | recorded steps where `2026-05`"
        " differs |",
        "|---|---|---|---|---|",
    ]
    for change in CHANGES:
        steps = by_change.get(change.id, [])
        shown = f"{len(steps)}: {_grouped(steps)}" if steps else "none"
        seen = change.first_seen or "undated"
        cell = evidence_lines(change.evidence)
        lines.append(f"| `{change.id}` | {change.summary} | {seen} | {cell} | {shown} |")
    if not CHANGES:
        lines.append("| (none yet) | `2026-05` is `2025-08` | | | none |")
    if by_change.get(UNEXPLAINED):
        count = len(by_change[UNEXPLAINED])
        lines.append(f"| {UNEXPLAINED} | a failure of `make test` | | | {count} |")
    return "\n".join(lines)


def coverage_table(data: Mapping[str, Any]) -> str:
    """Render the coverage as a Markdown table."""
    profiles = list(data["profiles"])
    lines = [
        "| operation | status | key | recorded | " + " | ".join(f"`{p}`" for p in profiles) + " |",
        "|---|---|---|---|" + "---|" * len(profiles),
    ]
    for cell in data["cells"]:
        counts = " | ".join(str(cell[p]) for p in profiles)
        where = f"| {cell['operation']} | {cell['status']} | {cell['key']} |"
        lines.append(f"{where} {cell['recorded']} | {counts} |")
    return "\n".join(lines)


def areas_table() -> str:
    """Return the corpus table of docs/parity.md: each area, its scenario count, what it covers."""
    lines = ["| area (module) | scenarios | what |", "|---|---|---|"]
    for name, area_scenarios in corpus.AREAS.items():
        lines.append(f"| `{name}` | {len(area_scenarios)} | {corpus.ABOUT[name]} |")
    return "\n".join(lines)


def with_section(document: str, marker: str, body: str) -> str:
    """Replace what lies between `<!-- marker -->` and `<!-- /marker -->` in a document."""
    start, end = f"<!-- {marker} -->", f"<!-- /{marker} -->"
    if start not in document or end not in document:
        raise TableError(f"the document has no {start} ... {end} section")
    head, _, rest = document.partition(start)
    _, _, tail = rest.partition(end)
    return f"{head}{start}\n{body}\n{end}{tail}"


def mock_readme(document: str) -> str:
    """Return the mock README with its table of changes regenerated from the profiles."""
    return with_section(document, MOCK_README_SECTION, profiles.changes_markdown())


@dataclass(frozen=True)
class Tables:
    """Everything generated from the recordings: replays, the changes and the coverage."""

    replays: dict[str, dict[str, ScenarioReplay]]
    by_change: dict[str, list[str]]
    coverage: dict[str, Any]

    def document(self, document: str) -> str:
        """`document` with its generated sections replaced."""
        document = with_section(document, "parity:areas", areas_table())
        document = with_section(document, "parity:changes", changes_table(self.by_change))
        return with_section(document, "parity:coverage", coverage_table(self.coverage))

    def coverage_file(self) -> str:
        """Return the coverage as the bytes of `parity/coverage.json`."""
        return json.dumps(self.coverage, indent=2) + "\n"


def replay_profiles(
    reference: Mapping[str, list[dict[str, Any]]],
) -> dict[str, dict[str, ScenarioReplay]]:
    """Replay the reference on a fresh mock of every profile (once per distinct set of changes)."""
    by_changes: dict[frozenset[str], dict[str, ScenarioReplay]] = {}
    for profile in PROFILES.values():
        if profile.changes not in by_changes:
            by_changes[profile.changes] = replay(profile.name, reference)
    return {name: by_changes[profile.changes] for name, profile in PROFILES.items()}


def generate(
    reference: Mapping[str, list[dict[str, Any]]] | None = None,
    replays: dict[str, dict[str, ScenarioReplay]] | None = None,
) -> Tables:
    """Make the tables from the recordings (and their replays on every profile, if not given)."""
    reference = recorded(SCENARIOS) if reference is None else reference
    replays = replay_profiles(reference) if replays is None else replays
    by_change = attribute_changes(replays, reference)
    return Tables(replays, by_change, coverage(reference, replays))
