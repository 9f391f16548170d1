"""`make release`: one version everywhere, a clean tree, the checks, the built wheel, a tag."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import yaml

from spec_lifecycle import compat
from spec_lifecycle.changes import Change

ROOT: Final = compat.ROOT
PYPROJECT: Final = ROOT / "pyproject.toml"
GENERATOR_CONFIG: Final = ROOT / "generator-config.yml"
GENERATED_PYPROJECT: Final = ROOT / "generated" / "pyproject.toml"
SPEC_CHANGES_HEADING: Final = "### Spec changes"
SPEC_CHANGES_NOTE: Final = "<!-- written by `make release` from the spec-compat report -->"
DIST: Final = ROOT / "dist"


class ReleaseError(RuntimeError):
    """A release precondition does not hold; the message says which and how to fix it."""


def project_version(pyproject: Path = PYPROJECT) -> str:
    """Read the distribution's version from pyproject.toml."""
    return str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])


def version_sources(root: Path = ROOT) -> dict[str, str]:
    """Read every place that states the version: pyproject, the generator config, generated/."""
    config = yaml.safe_load((root / GENERATOR_CONFIG.name).read_text(encoding="utf-8"))
    generated = tomllib.loads((root / "generated" / "pyproject.toml").read_text(encoding="utf-8"))
    generated_version = generated.get("project", generated.get("tool", {}).get("poetry", {}))
    return {
        "pyproject.toml": project_version(root / PYPROJECT.name),
        "generator-config.yml package_version_override": str(
            config.get("package_version_override")
        ),
        "generated/pyproject.toml": str(generated_version.get("version")),
    }


def check_versions_agree(root: Path = ROOT) -> str:
    """Return the one version, or fail naming the places that disagree."""
    sources = version_sources(root)
    if len(set(sources.values())) != 1:
        listed = ", ".join(f"{place}: {value}" for place, value in sources.items())
        raise ReleaseError(
            f"versions disagree ({listed}); set package_version_override to the pyproject "
            "version and run `make generate`"
        )
    return next(iter(sources.values()))


def required_bump_met(previous: str | None, version: str, *, breaking: bool) -> bool:
    """Semver: a later version; a breaking change needs a new major (a new minor before 1.0)."""
    if previous is None:
        return True
    old, new = compat.parse_version(previous), compat.parse_version(version)
    if new <= old:
        return False
    if not breaking:
        return True
    return new[0] > old[0] if old[0] > 0 else new[:2] > old[:2]


def spec_changes_text(previous: str | None, changes: Sequence[Change]) -> str:
    """Write the CHANGELOG's spec-changes block: every change since the previous kept release."""
    lines = [SPEC_CHANGES_HEADING, SPEC_CHANGES_NOTE]
    if previous is None:
        operations = [c.operation for c in changes if c.kind == "operation" and c.change == "added"]
        lines.append(
            f"First release whose spec is kept (`spec/releases/`): {len(operations)} operations."
        )
        lines.extend(f"- `{operation}`" for operation in operations)
    elif not changes:
        lines.append(f"None against {previous}.")
    else:
        lines.append(f"Against {previous}:")
        seen: set[str] = set()
        for change in changes:
            text = change.describe()
            if text not in seen:
                seen.add(text)
                lines.append(f"- {text}")
    return "\n".join(lines) + "\n"


def with_spec_changes(changelog: str, version: str, block: str) -> str:
    """Write (or rewrite) the version's spec-changes block into the CHANGELOG text."""
    heading = re.search(rf"^## \[{re.escape(version)}\][^\n]*\n", changelog, re.MULTILINE)
    if heading is None:
        raise ReleaseError(f"CHANGELOG.md has no `## [{version}] - YYYY-MM-DD` section")
    start = heading.end()
    following = re.search(r"^## ", changelog[start:], re.MULTILINE)
    end = start + following.start() if following else len(changelog)
    body = changelog[start:end]
    old = re.search(
        rf"^{re.escape(SPEC_CHANGES_HEADING)}\n.*?(?=^### |\Z)", body, re.MULTILINE | re.DOTALL
    )
    if old:
        body = body[: old.start()] + block + "\n" + body[old.end() :].lstrip("\n")
    else:
        body = body.rstrip("\n") + "\n\n" + block + "\n"
    return changelog[:start] + body + changelog[end:]


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False
    )


def _run(command: Sequence[str], env: dict[str, str] | None = None) -> None:
    print("+ " + " ".join(command), flush=True)
    if subprocess.run(list(command), cwd=ROOT, env=env, check=False).returncode != 0:
        raise ReleaseError(f"`{' '.join(command)}` failed")


def release(*, skip_tag: bool, skip_checks: bool) -> int:
    """Check, keep the spec, list its changes, build, smoke-test, commit and tag."""
    version = check_versions_agree()
    tag = f"v{version}"
    if _git("status", "--porcelain").stdout.strip():
        raise ReleaseError("the working tree is not clean: commit or stash first")
    if _git("rev-parse", "--verify", "--quiet", f"refs/tags/{tag}").returncode == 0:
        raise ReleaseError(f"tag {tag} exists already: bump the version in pyproject.toml")
    changelog = compat.CHANGELOG.read_text(encoding="utf-8")
    if not re.search(rf"^## \[{re.escape(version)}\] - \d{{4}}-\d\d-\d\d$", changelog, re.M):
        raise ReleaseError(f"CHANGELOG.md needs a heading `## [{version}] - YYYY-MM-DD`")
    previous = compat.baseline(before=version)
    with tempfile.TemporaryDirectory() as tmp:
        report = compat.compare(
            against=previous, section_name=version, empty_baseline=Path(tmp) / "empty.json"
        )
    print(report.summary())
    if not report.passed:
        raise ReleaseError(f"mark every breaking change under `### Breaking` in `## [{version}]`")
    if not required_bump_met(previous, version, breaking=bool(report.breaking)):
        raise ReleaseError(
            f"{version} after {previous} does not follow semver for "
            f"{'breaking' if report.breaking else 'these'} changes"
        )
    kept = compat.RELEASES / version / "openapi.yaml"
    kept.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(compat.SPEC, kept)
    compat.CHANGELOG.write_text(
        with_spec_changes(changelog, version, spec_changes_text(previous, report.changes)),
        encoding="utf-8",
    )
    make = os.environ.get("MAKE", "make")
    if not skip_checks:
        _run([make, "check"])
    _run([make, "dist"])
    (wheel,) = DIST.glob("*.whl")
    if f"-{version}-" not in wheel.name:
        raise ReleaseError(f"{wheel.name} is not version {version}")
    _run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests/test_dist.py"],
        env={**os.environ, "DIST_WHEEL_DIR": str(DIST)},
    )
    _git("add", str(kept.relative_to(ROOT)), compat.CHANGELOG.name)
    if _git("diff", "--cached", "--quiet").returncode != 0:
        committed = _git("commit", "-m", f"Release {version}: its spec kept for the gate")
        if committed.returncode != 0:
            raise ReleaseError(f"git commit failed: {committed.stderr.strip()}")
        print(f"committed the kept spec and CHANGELOG for {version}")
    if skip_tag:
        print(f"release {version} ready, not tagged (--skip-tag); to tag: git tag -a {tag}")
        return 0
    tagged = _git("tag", "-a", tag, "-m", f"Release {version}")
    if tagged.returncode != 0:
        raise ReleaseError(f"git tag failed: {tagged.stderr.strip()}")
    print(f"tagged {tag}; push it with: git push origin {tag}")
    return 0
