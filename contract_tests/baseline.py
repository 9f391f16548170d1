"""Known server defects: recorded by one run, applied to later ones (`--baseline FILE`).

A defect is a check failing on the server's own 5xx answer. It is known when a baseline entry
has the same operation, check, status code and cause (the first malformed part of the request
body, see `reference.malformed_cause`), so a scheduled run fails only on something new.
Contract disagreements (a check failing on any other answer) are never baselined: they mean
the spec or the server is wrong, and one of them must change.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from contract_tests.results import DEFECT, CheckFailure

BASELINE_VERSION = 1


class BaselineError(ValueError):
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


def save(
    path: Path,
    failures: list[CheckFailure],
    *,
    server: str,
    known: set[KnownDefect] | None = None,
) -> list[KnownDefect]:
    """Write the defects among `failures` (and the `known` ones) as a baseline; return them."""
    found = {KnownDefect.of(f) for f in failures if f.category == DEFECT}
    entries = sorted(found | (known or set()))
    data = {
        "version": BASELINE_VERSION,
        "server": server,
        "defects": [asdict(entry) for entry in entries],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return entries


def apply(failures: list[CheckFailure], known: set[KnownDefect]) -> None:
    """Mark every defect the baseline lists as known (one known already stays known)."""
    for failure in failures:
        listed = failure.category == DEFECT and KnownDefect.of(failure) in known
        failure.known = failure.known or listed
