"""Which check ran on which operation and how it went: counted in a run, drawn by the summary."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

PASSED, FAILED, DEFECT, KNOWN, EXCLUDED, NOT_RUN = "ok", "FAIL", "5xx", "known", "off", "-"
LEGEND = (
    f"{PASSED} = ran and passed, {FAILED} = contract disagreement,"
    f" {DEFECT} = broke only on the server's own 5xx,",
    f"{KNOWN} = only known PostHog defects (the mock's or --baseline's),"
    f" {NOT_RUN} = did not apply, {EXCLUDED} = excluded",
)
COLUMN_GAP = "  "


@dataclass
class Tally:
    """How many responses of one operation one check passed, failed, and failed on a 5xx."""

    passed: int = 0
    failed: int = 0
    defects: int = 0


@dataclass
class CheckMatrix:
    """Check outcomes per operation and check, as the suite's `after_validate` hook saw them."""

    cells: dict[str, dict[str, Tally]] = field(default_factory=dict)

    def record(self, operation: str, check: str, *, failed: bool, defect: bool = False) -> None:
        """Count one response that `check` validated on `operation`; a 5xx failure is a defect."""
        tally = self.cells.setdefault(operation, {}).setdefault(check, Tally())
        if failed and defect:
            tally.defects += 1
        elif failed:
            tally.failed += 1
        else:
            tally.passed += 1

    def outcome(self, operation: str, check: str, *, excluded: bool, known: bool = False) -> str:
        """The cell text: a disagreement is FAIL, else a 5xx failure is 5xx (or known when the
        baseline expects every failure there); excluded is off unless it ran anyway."""
        tally = self.cells.get(operation, {}).get(check)
        if tally is not None and (tally.failed or tally.defects):
            if known:
                return KNOWN
            return FAILED if tally.failed else DEFECT
        if tally is not None and tally.passed:
            return PASSED
        return EXCLUDED if excluded else NOT_RUN

    @classmethod
    def from_dict(cls, data: Mapping[str, Mapping[str, Mapping[str, int]]]) -> CheckMatrix:
        """The matrix `as_dict` described."""
        return cls(
            cells={
                operation: {check: Tally(**counts) for check, counts in checks.items()}
                for operation, checks in data.items()
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
    known: Collection[tuple[str, str]] = (),
) -> list[str]:
    """The legend, then rows of checks under their group headings, one column per operation.

    Operations and checks the run recorded but the arguments do not name are appended, so a
    result is never hidden.
    """
    columns = [*operations, *(op for op in matrix.cells if op not in operations)]
    named = {check for checks in check_groups.values() for check in checks}
    recorded = dict.fromkeys(check for checks in matrix.cells.values() for check in checks)
    others = [check for check in recorded if check not in named]
    groups = {**check_groups, **({"other": others} if others else {})}
    prefix, labels = column_labels(columns)
    cell_width = max(len(cell) for cell in (PASSED, FAILED, DEFECT, KNOWN, EXCLUDED, NOT_RUN))
    widths = [max(len(label), cell_width) for label in labels]
    name_width = 2 + max((len(check) for checks in groups.values() for check in checks), default=0)

    def row(name: str, cells: Sequence[str]) -> str:
        padded = (cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
        return (name.ljust(name_width) + COLUMN_GAP + COLUMN_GAP.join(padded)).rstrip()

    lines = [*LEGEND, row(f"{prefix}*" if prefix else "", labels)]
    for group, checks in groups.items():
        lines.append(group)
        for check in checks:
            cells = [
                matrix.outcome(
                    operation,
                    check,
                    excluded=(operation, check) in excluded,
                    known=(operation, check) in known,
                )
                for operation in columns
            ]
            lines.append(row(f"  {check}", cells))
    return lines
