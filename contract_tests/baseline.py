"""Known server defects: recorded by one run, applied to later ones (`--baseline FILE`).

A defect is a check failing on the server's own 5xx answer. It is known when a baseline entry
has the same operation, check, status code and cause (the first malformed part of the request
body, see `reference.malformed_cause`), so a scheduled run fails only on something new.
Contract disagreements (a check failing on any other answer) are never baselined: they mean
the spec or the server is wrong, and one of them must change. Nor is damage the run itself
did: a stored value that broke reads (`stored_value_breaks_reads`, found by the guard's
read-back), and in a run that recorded one, every 5xx answer to a read.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from contract_tests.results import DEFECT, CheckFailure
from contract_tests.settings import SettingsError

BASELINE_VERSION = 1
# Never known: the run's own damage (summary.READ_BREAK_CHECK; not imported, to keep this leaf).
NEVER_KNOWN_CHECKS = frozenset({"stored_value_breaks_reads"})
READ_OPERATIONS = frozenset({"web_experiments_list", "web_experiments_retrieve"})


class BaselineError(SettingsError, ValueError):
    """The baseline file cannot be read; the message says which file and why."""


@dataclass(frozen=True, order=True)
class KnownDefect:
    """One server defect a baseline expects."""

    operation: str
    check: str
    status_code: int
    cause: str

    @classmethod
    def of(cls, failure: CheckFailure) -> KnownDefect:
        """The baseline entry that covers `failure`."""
        return cls(failure.operation, failure.check, failure.status_code, failure.cause)


def load(path: Path) -> set[KnownDefect]:
    """The defects a baseline file lists."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != BASELINE_VERSION:
            raise BaselineError(f"{path}: unsupported baseline version {data.get('version')!r}")
        return {KnownDefect(**entry) for entry in data["defects"]}
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as error:
        if isinstance(error, BaselineError):
            raise
        raise BaselineError(f"cannot read baseline {path}: {error}") from None


def expected(path: Path | None) -> set[KnownDefect] | None:
    """The defects to apply: those `path` lists, or None when the run records the baseline."""
    return None if path is None or not path.exists() else load(path)


def save(
    path: Path,
    failures: list[CheckFailure],
    *,
    server: str,
    known: set[KnownDefect] | None = None,
    damaged: bool = False,
) -> list[KnownDefect]:
    """Write the defects among `failures` (and the `known` ones) as a baseline; return them.

    The run's own damage is left out (see `apply`).
    """
    found = {
        KnownDefect.of(f)
        for f in failures
        if f.category == DEFECT and not own_damage(f, damaged=damaged)
    }
    entries = sorted(found | (known or set()))
    data = {
        "version": BASELINE_VERSION,
        "server": server,
        "defects": [asdict(entry) for entry in entries],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return entries


def apply(failures: list[CheckFailure], known: set[KnownDefect], *, damaged: bool = False) -> None:
    """Mark every defect the baseline lists as known, except the run's own damage.

    `damaged`: the run stored a value that broke reads, so a 5xx to a read may be its doing.
    """
    for failure in failures:
        listed = failure.category == DEFECT and KnownDefect.of(failure) in known
        # A defect the mock says it reproduced on purpose stays known; the run's own damage never.
        failure.known = (failure.known or listed) and not own_damage(failure, damaged=damaged)
        if failure.known and listed and not failure.known_as:
            failure.known_as = f"in the baseline: {describe(failure)}"


def describe(failure: CheckFailure) -> str:
    """A defect in a few words: the check, the status, the operation and the body's cause."""
    cause = "" if failure.cause in ("-", "other") else f", {failure.cause}"
    return f"{failure.check} {failure.status_code} on {failure.operation}{cause}"


def own_damage(failure: CheckFailure, *, damaged: bool) -> bool:
    """Whether a defect may be the run's own doing: a read break, or a read 5xx after one."""
    return failure.check in NEVER_KNOWN_CHECKS or (damaged and failure.operation in READ_OPERATIONS)
