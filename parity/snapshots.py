"""Snapshot files: one per scenario, the normalised exchanges as the server answered them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from parity.diff import Difference, diff_values
from parity.model import Scenario

SNAPSHOT_DIR: Final = Path(__file__).parent / "snapshots"
FORMAT_VERSION: Final = 2


def snapshot_path(scenario_name: str, directory: Path = SNAPSHOT_DIR) -> Path:
    """Return where a scenario's snapshot lives."""
    return directory / f"{scenario_name}.json"


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
    """Diff normalised exchanges against a snapshot's recorded ones."""
    differences = diff_values(snapshot["exchanges"], exchanges)
    return Comparison([Difference("steps" + d.path, d.expected, d.actual) for d in differences])
