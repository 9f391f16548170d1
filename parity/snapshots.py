"""Snapshot files: one per scenario, normalised exchanges plus explicit overrides."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from parity.diff import MISSING, Difference, diff_values
from parity.model import Override, Scenario
from parity.overrides import overrides_for

SNAPSHOT_DIR: Final = Path(__file__).parent / "snapshots"
FORMAT_VERSION: Final = 1


def snapshot_path(scenario_name: str, directory: Path = SNAPSHOT_DIR) -> Path:
    """Return where a scenario's snapshot lives."""
    return directory / f"{scenario_name}.json"


def get_path(document: Any, path: str) -> Any:
    """Return the value at a dotted path (`response.body.detail`), or MISSING."""
    node = document
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return MISSING
        node = node[part]
    return node


def set_path(document: Any, path: str, value: Any, *, remove: bool = False) -> None:
    """Set (or remove) the value at a dotted path, creating objects on the way."""
    parts = path.split(".")
    node = document
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    if remove:
        node.pop(parts[-1], None)
    else:
        node[parts[-1]] = value


def override_entries(scenario: Scenario, exchanges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Build the overrides of a scenario's steps as snapshot entries, with the recorded values."""
    entries: list[dict[str, Any]] = []
    for index, (step, exchange) in enumerate(zip(scenario.steps, exchanges, strict=False)):
        for override in overrides_for(step, exchange["response"]):
            recorded = get_path(exchange, override.path)
            entries.append(
                {
                    "step": index,
                    "path": override.path,
                    "recorded": None if recorded is MISSING else recorded,
                    "recorded_absent": recorded is MISSING,
                    "expected": None if override.remove else override.value,
                    "expected_absent": override.remove,
                    "reason": override.reason,
                }
            )
    return entries


def expected_exchanges(snapshot: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Apply the snapshot's overrides to its recorded exchanges: what the mock must answer."""
    exchanges: list[dict[str, Any]] = copy.deepcopy(snapshot["exchanges"])
    for entry in snapshot["overrides"]:
        set_path(
            exchanges[entry["step"]],
            entry["path"],
            entry["expected"],
            remove=entry["expected_absent"],
        )
    return exchanges


def build_snapshot(
    scenario: Scenario, exchanges: list[dict[str, Any]], recorded_against: Mapping[str, str]
) -> dict[str, Any]:
    """Build the snapshot document of one recorded scenario."""
    from parity.transformers import TRANSFORMERS  # noqa: PLC0415 (avoids an import cycle)

    return {
        "format": FORMAT_VERSION,
        "scenario": scenario.name,
        "area": scenario.area,
        "rule": scenario.rule,
        "recorded_against": dict(recorded_against),
        "transformers": [t.name for t in TRANSFORMERS],
        "exchanges": exchanges,
        "overrides": override_entries(scenario, exchanges),
    }


def dump_snapshot(snapshot: Mapping[str, Any]) -> str:
    """Stable bytes: two-space indent, UTF-8, keys in their meaningful order, final newline."""
    return json.dumps(snapshot, indent=2, ensure_ascii=False) + "\n"


def write_snapshot(snapshot: Mapping[str, Any], directory: Path = SNAPSHOT_DIR) -> Path:
    """Write one snapshot file; return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = snapshot_path(str(snapshot["scenario"]), directory)
    path.write_text(dump_snapshot(snapshot), encoding="utf-8")
    return path


def load_snapshot(scenario_name: str, directory: Path = SNAPSHOT_DIR) -> dict[str, Any]:
    """Read one snapshot file."""
    data: dict[str, Any] = json.loads(
        snapshot_path(scenario_name, directory).read_text(encoding="utf-8")
    )
    return data


@dataclass(frozen=True)
class Comparison:
    """The result of comparing a run with its snapshot."""

    differences: list[Difference]

    def report(self, scenario: str) -> str:
        """Describe the differences path by path, the first one first."""
        if not self.differences:
            return f"{scenario}: matches its snapshot"
        lines = [f"{scenario}: {len(self.differences)} difference(s) from the snapshot"]
        lines += [d.describe("snapshot", "mock") for d in self.differences]
        return "\n".join(lines)


def compare_with_snapshot(
    snapshot: Mapping[str, Any], exchanges: list[dict[str, Any]]
) -> Comparison:
    """Diff normalised exchanges against a snapshot with its overrides applied."""
    expected = expected_exchanges(snapshot)
    differences = diff_values(expected, exchanges)
    return Comparison([Difference("steps" + d.path, d.expected, d.actual) for d in differences])


def steps_override(override: Override) -> str:
    """Describe an override in one line."""
    return f"{override.path} → {override.value!r}: {override.reason}"
