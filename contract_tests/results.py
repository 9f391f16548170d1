"""What one run recorded: every check result, the failures with their evidence, test outcomes.

Written by the pytest process (the `after_validate` hook sees every check result; a pytest hook
sees every test's outcome) and read by the runner's summary; nothing is parsed back out of
JUnit XML or schemathesis' text.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from contract_tests.matrix import CheckMatrix

Category = Literal["defect", "disagreement"]
DEFECT: Category = "defect"
DISAGREEMENT: Category = "disagreement"


def category_of(status_code: int) -> Category:
    """A failure on a 5xx answer is the server's own defect; any other is a disagreement."""
    return DEFECT if status_code >= 500 else DISAGREEMENT


# What makes two failures one finding.
FINDING_KEY = ("operation", "check", "category", "title", "status_code", "cause")


@dataclass
class CheckFailure:
    """One check that failed on one answer, with what it takes to understand and replay it."""

    operation: str
    check: str
    category: Category
    phase: str
    status_code: int
    title: str
    message: str
    request: str
    cause: str
    curl: str
    test: str
    occurrences: int = 1
    known: bool = False
    # Why it is known: the defect the mock says it reproduced, or the baseline that lists it.
    known_as: str = ""

    def key(self) -> tuple[object, ...]:
        """Failures with the same key are one finding, counted in `occurrences`."""
        return tuple(getattr(self, name) for name in FINDING_KEY)


@dataclass
class ItemOutcome:
    """How one pytest test of the suite ended; `error` explains a failure no check recorded.

    `outcome` is pytest's word: passed, failed, skipped, xfailed (it failed only on known
    PostHog defects) or xpassed (a defect the baseline expects did not show up).
    """

    name: str
    outcome: str
    error: str | None = None
    # Why a test xfailed (the known defects) or xpassed (the expected defects not seen).
    reason: str | None = None


@dataclass
class RunRecord:
    """Everything the pytest process recorded for the runner's summary."""

    matrix: CheckMatrix = field(default_factory=CheckMatrix)
    failures: list[CheckFailure] = field(default_factory=list)
    tests: list[ItemOutcome] = field(default_factory=list)
    aborted: str | None = None

    def add_failure(self, failure: CheckFailure) -> CheckFailure:
        """Record a failure, or count it again when the same finding was already recorded.

        Returns the recorded finding (the earlier one when it was seen before).
        """
        for known in self.failures:
            if known.key() == failure.key():
                known.occurrences += 1
                return known
        self.failures.append(failure)
        return failure

    def save(self, path: Path) -> None:
        """Write the record as JSON, atomically."""
        path.parent.mkdir(parents=True, exist_ok=True)
        data = asdict(self)
        data["matrix"] = data["matrix"]["cells"]
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> RunRecord | None:
        """Read a record written by `save`; None when the run wrote none."""
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            matrix=CheckMatrix.from_dict(data["matrix"]),
            failures=[CheckFailure(**failure) for failure in data["failures"]],
            tests=[ItemOutcome(**test) for test in data["tests"]],
            aborted=data.get("aborted"),
        )
