"""`make spec-compat`: a breaking edit of openapi.yaml fails the gate unless CHANGELOG marks it."""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from spec_lifecycle.cli import main
from spec_lifecycle.compat import kept_releases, marked_breaking, section, subject

from .conftest import ROOT, run_cli

SPEC = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
CHANGELOG_HEAD = "# Changelog\n\n## [Unreleased]\n\n"
RELEASED = "## [0.2.0] - 2026-12-06\n\n### Added\n- The SDK.\n"


def remove_response_field(spec: dict[str, Any]) -> None:
    schema = spec["components"]["schemas"]["WebExperiment"]
    del schema["properties"]["feature_flag_key"]
    schema["required"].remove("feature_flag_key")


def narrow_parameter_type(spec: dict[str, Any]) -> None:
    spec["components"]["parameters"]["Limit"]["schema"] = {"type": "string"}


def add_required_parameter(spec: dict[str, Any]) -> None:
    operation = spec["paths"]["/api/projects/{project_id}/web_experiments/"]["get"]
    operation["parameters"].append(
        {"name": "search", "in": "query", "required": True, "schema": {"type": "string"}}
    )


def add_optional_field_and_status(spec: dict[str, Any]) -> None:
    spec["components"]["schemas"]["WebExperiment"]["properties"]["archived"] = {"type": "boolean"}
    operation = spec["paths"]["/api/projects/{project_id}/web_experiments/"]["get"]
    operation["responses"]["418"] = {"description": "A teapot."}


def gate(tmp_path: Path, edit: Callable[[dict[str, Any]], None], changelog: str) -> Any:
    """Run the gate on an edited copy of openapi.yaml against the real spec kept as 0.2.0."""
    releases = tmp_path / "releases"
    (releases / "0.2.0").mkdir(parents=True)
    shutil.copyfile(ROOT / "openapi.yaml", releases / "0.2.0" / "openapi.yaml")
    edited = copy.deepcopy(SPEC)
    edit(edited)
    spec = tmp_path / "openapi.yaml"
    spec.write_text(yaml.safe_dump(edited, sort_keys=False), encoding="utf-8")
    (tmp_path / "CHANGELOG.md").write_text(changelog, encoding="utf-8")
    result = run_cli(
        "compat",
        "--spec", str(spec),
        "--releases", str(releases),
        "--changelog", str(tmp_path / "CHANGELOG.md"),
        cwd=tmp_path,
    )  # fmt: skip
    report = json.loads((tmp_path / "reports" / "spec-compat.json").read_text(encoding="utf-8"))
    return result, report


BREAKING_EDITS = [
    pytest.param(remove_response_field, "feature_flag_key", 5, id="removed-response-field"),
    pytest.param(narrow_parameter_type, "limit", 1, id="narrowed-parameter-type"),
    pytest.param(add_required_parameter, "search", 1, id="new-required-parameter"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("edit", "name", "places"), BREAKING_EDITS)
def test_breaking_edit_without_changelog_entry_fails_the_gate(
    tmp_path: Path, edit: Callable[[dict[str, Any]], None], name: str, places: int
) -> None:
    # A marker in the released section, or under another heading, does not count.
    changelog = (
        CHANGELOG_HEAD + f"### Changed\n- `{name}` changed.\n\n"
        f"{RELEASED}\n### Breaking\n- `{name}`.\n"
    )
    result, report = gate(tmp_path, edit, changelog)
    assert result.returncode == 1, result.stdout + result.stderr
    assert report["passed"] is False
    assert report["baseline"] == "0.2.0"
    assert {item["subject"] for item in report["breaking"]} == {name}
    assert len(report["breaking"]) == places
    assert all(item["marked"] is False for item in report["breaking"])
    assert result.stdout.splitlines()[0].endswith(
        f"{places} breaking, {places} of them unmarked: FAILED"
    )
    assert result.stdout.rstrip().endswith(f"naming, in backticks: `{name}`")


@pytest.mark.slow
@pytest.mark.parametrize(("edit", "name", "places"), BREAKING_EDITS)
def test_breaking_edit_marked_in_unreleased_passes_the_gate(
    tmp_path: Path, edit: Callable[[dict[str, Any]], None], name: str, places: int
) -> None:
    changelog = CHANGELOG_HEAD + f"### Breaking\n- `{name}` is gone or changed.\n\n" + RELEASED
    result, report = gate(tmp_path, edit, changelog)
    assert result.returncode == 0, result.stdout + result.stderr
    assert report["passed"] is True
    assert len(report["breaking"]) == places
    assert all(item["marked"] for item in report["breaking"])
    assert result.stdout.splitlines()[0].endswith(f"{places} breaking, 0 of them unmarked: PASSED")


@pytest.mark.slow
def test_non_breaking_addition_passes_the_gate(tmp_path: Path) -> None:
    result, report = gate(tmp_path, add_optional_field_and_status, CHANGELOG_HEAD + RELEASED)
    assert result.returncode == 0, result.stdout + result.stderr
    assert report["breaking"] == []
    kinds = {(c["kind"], c["change"], c["subject"]) for c in report["changes"]}
    assert ("status", "added", "418") in kinds
    assert ("field", "added", "archived") in kinds


@pytest.mark.slow
def test_repository_spec_passes_the_gate_against_its_last_release(tmp_path: Path) -> None:
    result = run_cli("compat", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[0].endswith("PASSED")
    assert kept_releases(), "spec/releases/ keeps no release"


def test_gate_with_no_kept_release_passes_with_nothing_to_compare(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["compat", "--releases", str(tmp_path / "none")]) == 0
    assert "against no kept release: 0 change(s)" in capsys.readouterr().out


def test_marker_is_the_breaking_heading_of_the_named_section() -> None:
    changelog = (
        "# Changelog\n\n## [Unreleased]\n\n### Added\n- `added_name`\n\n"
        "### Breaking\n- `feature_flag_key` no longer in responses; `limit` is a string.\n"
        "  Also `search`.\n\n### Fixed\n- `fixed_name`\n\n"
        "## [0.2.0] - 2026-12-06\n\n### Breaking\n- `old_name`\n"
    )
    assert marked_breaking(changelog) == {"feature_flag_key", "limit", "search"}
    assert marked_breaking(changelog, "0.2.0") == {"old_name"}
    assert marked_breaking("# Changelog\n") == set()
    assert section(changelog, "0.2.0") == "\n### Breaking\n- `old_name`\n"


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        pytest.param(
            "/paths/~1a~1/get/responses/200/content/application~1json/schema/properties/results"
            "/items/properties/feature_flag_key",
            "feature_flag_key",
            id="response-field",
        ),
        pytest.param("/paths/~1a~1/get/parameters/0", "limit", id="referenced-parameter"),
        pytest.param("/paths/~1a~1/delete/responses/204", "204", id="status"),
        pytest.param("/paths/~1a~1/delete", "DELETE /a/", id="operation"),
    ],
)
def test_subject_names_the_changed_thing(location: str, expected: str) -> None:
    document = {
        "paths": {"/a/": {"get": {"parameters": [{"$ref": "#/components/parameters/Limit"}]}}},
        "components": {"parameters": {"Limit": {"name": "limit", "in": "query"}}},
    }
    result = {"location": {"jsonPath": location, "spec": "before"}, "where": "w"}
    assert subject(result, document, {}) == expected
