"""Which check ran on which operation and how it went: counted in a run, drawn by the summary."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

MATRIX_FILE = "contract-matrix.json"
PASSED, FAILED, EXCLUDED, NOT_RUN = "ok", "FAIL", "off", "-"
LEGEND = (
    f"{PASSED} = ran and passed, {FAILED} = failed, {NOT_RUN} = did not apply,"
    f" {EXCLUDED} = excluded"
)
COLUMN_GAP = "  "


@dataclass
class Tally:
    """How many responses of one operation one check passed and failed."""

    passed: int = 0
    failed: int = 0


@dataclass
class CheckMatrix:
    """Check outcomes per operation and check, as the suite's `after_validate` hook saw them."""

    cells: dict[str, dict[str, Tally]] = field(default_factory=dict)

    def record(self, operation: str, check: str, *, failed: bool) -> None:
        """Count one response that `check` validated on `operation`."""
        tally = self.cells.setdefault(operation, {}).setdefault(check, Tally())
        if failed:
            tally.failed += 1
        else:
            tally.passed += 1

    def outcome(self, operation: str, check: str, *, excluded: bool) -> str:
        """The cell text: failed once is FAIL; excluded is off unless it ran anyway."""
        tally = self.cells.get(operation, {}).get(check)
        if tally is not None and tally.failed:
            return FAILED
        if tally is not None and tally.passed:
            return PASSED
        return EXCLUDED if excluded else NOT_RUN

    def save(self, path: Path) -> None:
        """Write the matrix as JSON, atomically, for the runner's summary."""
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            operation: {
                check: {"passed": tally.passed, "failed": tally.failed}
                for check, tally in checks.items()
            }
            for operation, checks in self.cells.items()
        }
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"operations": data}, indent=2), encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> CheckMatrix | None:
        """Read a matrix written by `save`; None when the run wrote none."""
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            cells={
                operation: {
                    check: Tally(passed=int(counts["passed"]), failed=int(counts["failed"]))
                    for check, counts in checks.items()
                }
                for operation, checks in data["operations"].items()
            }
        )


def column_labels(operations: Sequence[str]) -> tuple[str, list[str]]:
    """The `_`-separated words all operations start with, and what is left of each."""
    words = [operation.split("_") for operation in operations]
    shared = 0
    while len(words) > 1 and all(
        len(split) > shared + 1 and split[shared] == words[0][shared] for split in words
    ):
        shared += 1
    prefix = "".join(f"{word}_" for word in words[0][:shared]) if words else ""
    return prefix, [operation.removeprefix(prefix) for operation in operations]


def render_matrix(
    matrix: CheckMatrix,
    *,
    operations: Sequence[str],
    check_groups: Mapping[str, Sequence[str]],
    excluded: Collection[tuple[str, str]],
) -> list[str]:
    """The legend, then rows of checks under their group headings, one column per operation.

    Operations and checks the run recorded but the arguments do not name are appended, so a
    result is never hidden.
    """
    columns = [*operations, *(op for op in matrix.cells if op not in operations)]
    known = {check for checks in check_groups.values() for check in checks}
    recorded = dict.fromkeys(check for checks in matrix.cells.values() for check in checks)
    others = [check for check in recorded if check not in known]
    groups = {**check_groups, **({"other": others} if others else {})}
    prefix, labels = column_labels(columns)
    widths = [max(len(label), len(FAILED)) for label in labels]
    name_width = 2 + max((len(check) for checks in groups.values() for check in checks), default=0)

    def row(name: str, cells: Sequence[str]) -> str:
        padded = (cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
        return (name.ljust(name_width) + COLUMN_GAP + COLUMN_GAP.join(padded)).rstrip()

    lines = [LEGEND, row(f"{prefix}*" if prefix else "", labels)]
    for group, checks in groups.items():
        lines.append(group)
        for check in checks:
            cells = [
                matrix.outcome(operation, check, excluded=(operation, check) in excluded)
                for operation in columns
            ]
            lines.append(row(f"  {check}", cells))
    return lines
