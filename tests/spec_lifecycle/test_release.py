"""`make release`: one version everywhere, semver against the last release, the CHANGELOG block."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from spec_lifecycle.changes import Change
from spec_lifecycle.compat import kept_releases
from spec_lifecycle.release import (
    ReleaseError,
    check_versions_agree,
    required_bump_met,
    spec_changes_text,
    with_spec_changes,
)

from .conftest import ROOT

VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def test_distribution_and_generated_client_share_one_version() -> None:
    assert check_versions_agree() == VERSION


def test_disagreeing_versions_name_each_place(tmp_path: Path) -> None:
    (tmp_path / "generated").mkdir()
    (tmp_path / "pyproject.toml").write_text('[project]\nversion = "0.3.0"\n', encoding="utf-8")
    (tmp_path / "generator-config.yml").write_text(
        "package_version_override: 0.2.0\n", encoding="utf-8"
    )
    (tmp_path / "generated" / "pyproject.toml").write_text(
        '[project]\nversion = "0.2.0"\n', encoding="utf-8"
    )
    with pytest.raises(ReleaseError, match=r"pyproject.toml: 0.3.0, generator-config.yml"):
        check_versions_agree(tmp_path)


def test_current_version_is_released_in_changelog_and_kept_for_the_gate() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(VERSION)}\] - \d{{4}}-\d\d-\d\d$", changelog, re.M)
    assert kept_releases()[-1] == VERSION
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"dist/posthog_web_experiments-{VERSION}-py3-none-any.whl" in readme


@pytest.mark.parametrize(
    ("previous", "version", "breaking", "met"),
    [
        pytest.param(None, "0.2.0", True, True, id="first-release"),
        pytest.param("0.2.0", "0.2.1", False, True, id="patch"),
        pytest.param("0.2.0", "0.2.0", False, False, id="same-version"),
        pytest.param("0.2.0", "0.1.9", False, False, id="older"),
        pytest.param("0.2.0", "0.2.1", True, False, id="breaking-patch-before-1.0"),
        pytest.param("0.2.0", "0.3.0", True, True, id="breaking-minor-before-1.0"),
        pytest.param("1.4.2", "1.5.0", True, False, id="breaking-minor-after-1.0"),
        pytest.param("1.4.2", "2.0.0", True, True, id="breaking-major"),
    ],
)
def test_version_follows_semver(
    previous: str | None, version: str, breaking: bool, met: bool
) -> None:
    assert required_bump_met(previous, version, breaking=breaking) is met


def test_spec_changes_block_is_written_once_into_the_version_section() -> None:
    changelog = (
        "# Changelog\n\n## [Unreleased]\n\n## [0.3.0] - 2027-01-05\n\n### Added\n- A thing.\n\n"
        "## [0.2.0] - 2026-12-06\n\n### Added\n- Another.\n"
    )
    changes = [
        Change("GET /a/", "status", "added", "response", "418"),
        Change("GET /a/", "status", "added", "response", "418"),
    ]
    block = spec_changes_text("0.2.0", changes)
    assert block.splitlines()[2:] == ["Against 0.2.0:", "- GET /a/ response: status `418` added"]
    once = with_spec_changes(changelog, "0.3.0", block)
    assert once == with_spec_changes(once, "0.3.0", block)
    section = once.split("## [0.3.0] - 2027-01-05\n", 1)[1].split("## [0.2.0]", 1)[0]
    assert section == "\n### Added\n- A thing.\n\n" + block + "\n"
    assert once.endswith("## [0.2.0] - 2026-12-06\n\n### Added\n- Another.\n")
    with pytest.raises(ReleaseError, match=r"no `## \[0.4.0\] - YYYY-MM-DD` section"):
        with_spec_changes(changelog, "0.4.0", block)


def test_first_release_lists_its_operations() -> None:
    changes = [
        Change("GET /a/", "operation", "added", "", ""),
        Change("POST /a/", "operation", "added", "", ""),
    ]
    assert spec_changes_text(None, changes).splitlines()[2:] == [
        "First release whose spec is kept (`spec/releases/`): 2 operations.",
        "- `GET /a/`",
        "- `POST /a/`",
    ]


def test_release_target_runs_the_release_command() -> None:
    dry = subprocess.run(
        ["make", "--dry-run", "release", "RELEASE_ARGS=--skip-tag"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert dry.returncode == 0, dry.stderr
    assert "python -m spec_lifecycle release --skip-tag" in dry.stdout
