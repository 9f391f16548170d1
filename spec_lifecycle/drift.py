"""`make drift`: PostHog's published description now, against the copy recorded in spec/."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from spec_lifecycle import optic
from spec_lifecycle.changes import Change, by_operation, counts, flatten
from spec_lifecycle.published import dump, fetch_schema, load_yaml, trim

ROOT: Final = optic.ROOT
RECORDING: Final = ROOT / "spec" / "posthog-published" / "web_experiments.yaml"
REPORT_JSON: Final = Path("reports/drift.json")
REPORT_TEXT: Final = Path("reports/drift.txt")
CURRENT_COPY: Final = Path("reports/drift-published.yaml")
_METHOD_ORDER: Final = {m: i for i, m in enumerate(["GET", "POST", "PUT", "PATCH", "DELETE"])}


@dataclass(frozen=True)
class DriftReport:
    """What changed between the recording and the published description now."""

    source: str
    recording: str
    checked_at: str
    changes: list[Change]
    breaking: list[dict[str, Any]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Tell whether anything differs."""
        return bool(self.changes)

    def as_json(self) -> dict[str, Any]:
        """Return the machine-readable report."""
        return {
            "source": self.source,
            "recording": self.recording,
            "checked_at": self.checked_at,
            "changed": self.changed,
            "counts": counts(self.changes),
            "operations": {
                operation: [change.as_json() for change in changes]
                for operation, changes in by_operation(self.changes).items()
            },
            "breaking": [
                {"rule": result.get("name"), "where": result.get("where")}
                for result in self.breaking
            ],
        }

    def summary(self) -> str:
        """Write the short human summary: a verdict line, then the changes by operation."""
        if not self.changed:
            return f"spec drift: none. {self.source} matches {self.recording}."
        tally = ", ".join(f"{n} {kind}" for kind, n in counts(self.changes).items())
        lines = [
            f"spec drift: {len(self.changes)} change(s) ({tally}) in "
            f"{len(by_operation(self.changes))} operation(s); {len(self.breaking)} would break a "
            f"client of the recording. {self.source} against {self.recording}:"
        ]
        for operation, changes in by_operation(self.changes).items():
            lines.append(f"  {operation}")
            lines.extend(f"    - {change.describe()[len(operation) + 1 :]}" for change in changes)
        return "\n".join(lines)


def _sort_key(change: Change) -> tuple[str, int, str, str, str]:
    method, _, path = change.operation.partition(" ")
    return (path, _METHOD_ORDER.get(method, 99), change.location, change.kind, change.subject)


def load_source(host: str | None, schema_file: Path | None, api_key: str | None) -> tuple[Any, str]:
    """Load the full published description (a host's /api/schema/ or a file) and its name."""
    if schema_file is not None:
        return load_yaml(schema_file.read_text(encoding="utf-8")), str(schema_file)
    if not host:
        raise ValueError("set POSTHOG_HOST (or pass --schema-file)")
    return fetch_schema(host, api_key), host.rstrip("/") + "/api/schema/"


def record(document: Any, source: str, recorded_against: str, destination: Path) -> Path:
    """Write the trimmed description as the new recording, with a header saying where from."""
    taken = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    header = (
        f"# PostHog's published OpenAPI description, trimmed to the web experiments API.\n"
        f"# Taken from {source} at {taken} ({recorded_against}) by `make drift-record`;\n"
        f"# Trimmed by spec_lifecycle.published.trim, as `make drift` trims before comparing.\n"
    )
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_text(header + dump(trim(document)), encoding="utf-8")
    return destination


def check(document: Any, source: str, recording: Path = RECORDING) -> DriftReport:
    """Trim the description, write it to reports/, and diff the recording against it."""
    if not recording.is_file():
        raise FileNotFoundError(f"{recording}: no recording (make drift-record writes one)")
    CURRENT_COPY.parent.mkdir(parents=True, exist_ok=True)
    CURRENT_COPY.write_text(dump(trim(document)), encoding="utf-8")
    result = optic.diff(recording, CURRENT_COPY)
    changes = sorted(flatten(result.changelog), key=_sort_key)
    return DriftReport(
        source=source,
        recording=str(recording.relative_to(ROOT) if recording.is_relative_to(ROOT) else recording),
        checked_at=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        changes=changes,
        breaking=result.breaking,
    )


def write_report(report: DriftReport) -> None:
    """reports/drift.json (machine-readable) and reports/drift.txt (the summary)."""
    REPORT_JSON.parent.mkdir(parents=True, exist_ok=True)
    REPORT_JSON.write_text(json.dumps(report.as_json(), indent=2) + "\n", encoding="utf-8")
    REPORT_TEXT.write_text(report.summary() + "\n", encoding="utf-8")
