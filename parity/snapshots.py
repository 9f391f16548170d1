"""Snapshot files: one per scenario, the normalised exchanges as the server answered them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

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
