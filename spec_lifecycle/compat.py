"""`make spec-compat`: openapi.yaml against the spec of the last release, kept in spec/releases/."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml

from spec_lifecycle import optic
from spec_lifecycle.changes import Change, flatten

ROOT: Final = optic.ROOT
RELEASES: Final = ROOT / "spec" / "releases"
SPEC: Final = ROOT / "openapi.yaml"
CHANGELOG: Final = ROOT / "CHANGELOG.md"
REPORT_JSON: Final = Path("reports/spec-compat.json")
UNRELEASED: Final = "Unreleased"
# The marker: a `### Breaking` heading in the CHANGELOG section of the change (`## [Unreleased]`
# before a release) whose text names each breaking change's subject in backticks.
BREAKING_HEADING: Final = "### Breaking"
EMPTY_SPEC: Final = {"openapi": "3.1.0", "info": {"title": "none", "version": "0"}, "paths": {}}
_VERSION: Final = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
_CODE_SPAN: Final = re.compile(r"`([^`\n]+)`")


class CompatError(RuntimeError):
    """The gate cannot run: a missing or malformed spec, release folder or CHANGELOG."""


def parse_version(text: str) -> tuple[int, int, int]:
    """`1.2.3` as a tuple; only plain MAJOR.MINOR.PATCH versions are releases here."""
    match = _VERSION.match(text)
    if not match:
        raise CompatError(f"not a MAJOR.MINOR.PATCH version: {text!r}")
    return int(match[1]), int(match[2]), int(match[3])


def kept_releases(releases: Path = RELEASES) -> list[str]:
    """List the versions whose spec is kept (spec/releases/<version>/openapi.yaml), oldest first."""
    if not releases.is_dir():
        return []
    found = [
        p.parent.name for p in releases.glob("*/openapi.yaml") if _VERSION.match(p.parent.name)
    ]
    return sorted(found, key=parse_version)


def baseline(releases: Path = RELEASES, *, before: str | None = None) -> str | None:
    """Return the last kept release (older than `before` if given), or None if none is kept."""
    versions = kept_releases(releases)
    if before is not None:
        versions = [v for v in versions if parse_version(v) < parse_version(before)]
    return versions[-1] if versions else None


def _unescape(segment: str) -> str:
    return segment.replace("~1", "/").replace("~0", "~")


def _resolve(document: Any, pointer: str) -> Any:
    """Find the node at a JSON pointer, following local `$ref`s (as Optic's paths do)."""
    node = document
    for raw in pointer.split("/")[1:]:
        while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
            node = _resolve(document, node["$ref"].removeprefix("#"))
        segment = _unescape(raw)
        if isinstance(node, list):
            node = node[int(segment)]
        elif isinstance(node, Mapping):
            node = node[segment]
        else:
            raise KeyError(pointer)
    while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
        node = _resolve(document, node["$ref"].removeprefix("#"))
    return node


def subject(result: Mapping[str, Any], before: Any, after: Any) -> str:
    """Name a breaking change as a CHANGELOG entry must: field, parameter, status or route.

    From the place Optic points at: the last property (`feature_flag_key`), a parameter's name,
    a response status (`204`) or, for a removed operation, `METHOD /path/`.
    """
    location = result.get("location") or {}
    pointer = str(location.get("jsonPath", ""))
    segments = [_unescape(part) for part in pointer.split("/")[1:]]
    for index in range(len(segments) - 1, 0, -1):
        if segments[index - 1] == "properties":
            return segments[index]
        if segments[index - 1] == "parameters" and segments[index].isdigit():
            document = after if location.get("spec") == "after" else before
            try:
                parameter = _resolve(document, "/" + "/".join(pointer.split("/")[1 : index + 2]))
                return str(parameter["name"])
            except (KeyError, IndexError, TypeError, ValueError):
                return str(result.get("where", pointer))
        if segments[index - 1] == "responses":
            return segments[index]
    if len(segments) >= 3 and segments[0] == "paths":
        return f"{segments[2].upper()} {segments[1]}"
    return str(result.get("where", pointer))


def section(changelog: str, name: str) -> str:
    """Return the text of the CHANGELOG section `## [name]` (to the next `## `), '' if absent."""
    match = re.search(
        rf"^## \[{re.escape(name)}\][^\n]*\n(?P<body>.*?)(?=^## |\Z)",
        changelog,
        re.MULTILINE | re.DOTALL,
    )
    return match["body"] if match else ""


def marked_breaking(changelog: str, name: str = UNRELEASED) -> set[str]:
    """Collect every backticked name under `### Breaking` in the section `## [name]`."""
    body = section(changelog, name)
    match = re.search(
        rf"^{re.escape(BREAKING_HEADING)}[ \t]*\n(?P<text>.*?)(?=^### |\Z)",
        body,
        re.MULTILINE | re.DOTALL,
    )
    return set(_CODE_SPAN.findall(match["text"])) if match else set()


@dataclass(frozen=True)
class Breaking:
    """One breaking change Optic found, with the name the CHANGELOG must give it."""

    rule: str
    where: str
    subject: str
    marked: bool

    def describe(self) -> str:
        """One line: the rule, the place, the subject and whether the CHANGELOG marks it."""
        mark = "marked in CHANGELOG" if self.marked else "NOT marked in CHANGELOG"
        return f"{self.rule}: {self.where} (`{self.subject}`, {mark})"


@dataclass(frozen=True)
class CompatReport:
    """The gate's answer: every change, the breaking ones, and whether the gate passes."""

    baseline: str | None
    spec: str
    changes: list[Change]
    breaking: list[Breaking]

    @property
    def passed(self) -> bool:
        """Tell whether every breaking change is marked in the CHANGELOG."""
        return all(item.marked for item in self.breaking)

    def as_json(self) -> dict[str, Any]:
        """Return the machine-readable report."""
        return {
            "baseline": self.baseline,
            "spec": self.spec,
            "passed": self.passed,
            "changes": [change.as_json() for change in self.changes],
            "breaking": [vars(item) for item in self.breaking],
        }

    def summary(self) -> str:
        """Verdict line, then the breaking changes; what to write when one is unmarked."""
        against = f"release {self.baseline}" if self.baseline else "no kept release"
        head = (
            f"spec-compat: {self.spec} against {against}: {len(self.changes)} change(s), "
            f"{len(self.breaking)} breaking, "
            f"{sum(not b.marked for b in self.breaking)} of them unmarked: "
            + ("PASSED" if self.passed else "FAILED")
        )
        lines = [head, *(f"  - {item.describe()}" for item in self.breaking)]
        unmarked = sorted({item.subject for item in self.breaking if not item.marked})
        if unmarked:
            lines.append(
                "A change that breaks SDK users needs a major version (a minor one before 1.0) and "
                f"an entry under `{BREAKING_HEADING}` in `## [{UNRELEASED}]` of CHANGELOG.md "
                "naming, in backticks: " + ", ".join(f"`{name}`" for name in unmarked)
            )
        return "\n".join(lines)


def load_spec(path: Path) -> Any:
    """Parse a spec file, with a clear error for a missing or broken one."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CompatError(f"{path}: {exc}") from exc


def compare(
    spec: Path = SPEC,
    *,
    releases: Path = RELEASES,
    changelog: Path = CHANGELOG,
    section_name: str = UNRELEASED,
    against: str | None = None,
    empty_baseline: Path | None = None,
) -> CompatReport:
    """Diff the last kept release's spec (or `against`) with `spec` through Optic."""
    version = against or baseline(releases)
    if version is None:
        if empty_baseline is None:
            return CompatReport(baseline=None, spec=str(spec), changes=[], breaking=[])
        empty_baseline.write_text(json.dumps(EMPTY_SPEC), encoding="utf-8")
        old_path = empty_baseline
    else:
        old_path = releases / version / "openapi.yaml"
    result = optic.diff(old_path, spec)
    before, after = load_spec(old_path), load_spec(spec)
    marks = marked_breaking(changelog.read_text(encoding="utf-8"), section_name)
    breaking = []
    seen: set[tuple[str, str]] = set()
    for item in result.breaking:
        name = subject(item, before, after)
        key = (str(item.get("name")), str(item.get("where")))
        if key in seen:
            continue
        seen.add(key)
        breaking.append(Breaking(key[0], key[1], name, name in marks))
    return CompatReport(
        baseline=version, spec=str(spec), changes=flatten(result.changelog), breaking=breaking
    )


def write_report(report: CompatReport) -> None:
    """reports/spec-compat.json."""
    REPORT_JSON.parent.mkdir(parents=True, exist_ok=True)
    REPORT_JSON.write_text(json.dumps(report.as_json(), indent=2) + "\n", encoding="utf-8")
