"""`make drift`: the published schema served on loopback, against the recording in spec/."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from spec_lifecycle.cli import main
from spec_lifecycle.published import PublishedSchemaError, trim

from .conftest import RECORDING, PublishedSchema, published_document, run_cli


def without_feature_flag_key(document: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    schema = changed["components"]["schemas"]["WebExperimentsAPI"]
    del schema["properties"]["feature_flag_key"]
    schema["required"].remove("feature_flag_key")
    return changed


def test_trim_keeps_web_experiments_and_what_they_reference() -> None:
    trimmed = trim(published_document())
    assert list(trimmed["paths"]) == [
        "/api/projects/{project_id}/web_experiments/",
        "/api/projects/{project_id}/web_experiments/{id}/",
    ]
    assert sorted(trimmed["components"]["schemas"]) == [
        "PaginatedWebExperimentsAPIList",
        "PatchedWebExperimentsAPI",
        "WebExperimentsAPI",
    ]
    assert list(trimmed["components"]["securitySchemes"]) == ["PersonalAPIKeyAuth"]
    assert trimmed["info"]["version"] == ""  # PostHog publishes `version: null`


def test_recording_is_its_own_trim() -> None:
    recorded = yaml.safe_load(RECORDING.read_text(encoding="utf-8"))
    assert trim(recorded) == recorded
    assert RECORDING.read_text(encoding="utf-8").startswith(
        "# PostHog's published OpenAPI description"
    )


@pytest.mark.parametrize(
    ("document", "message"),
    [
        pytest.param({"openapi": "3.0.3"}, "no `paths` object", id="not-openapi"),
        pytest.param({"paths": {"/api/insights/": {}}}, "no path with a", id="no-web-experiments"),
        pytest.param(
            {
                "paths": {
                    "/api/projects/{project_id}/web_experiments/": {
                        "get": {"responses": {"200": {"$ref": "#/components/responses/Gone"}}}
                    }
                }
            },
            "dangling reference #/components/responses/Gone",
            id="dangling-ref",
        ),
    ],
)
def test_trim_rejects_what_is_not_a_web_experiments_description(
    document: dict[str, Any], message: str
) -> None:
    with pytest.raises(PublishedSchemaError, match=message):
        trim(document)


@pytest.mark.slow
def test_drift_unchanged_schema_exits_0(
    schema_server: tuple[str, PublishedSchema], tmp_path: Path
) -> None:
    url, published = schema_server
    result = run_cli("drift", cwd=tmp_path, env={"POSTHOG_HOST": url})
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("spec drift: none.")
    report = json.loads((tmp_path / "reports" / "drift.json").read_text(encoding="utf-8"))
    assert report["changed"] is False
    assert report["operations"] == {}
    assert report["source"] == f"{url}/api/schema/"
    assert published.authorization == [None]  # no key set: none sent


@pytest.mark.slow
def test_drift_removed_field_is_named_and_exits_1(
    schema_server: tuple[str, PublishedSchema], tmp_path: Path
) -> None:
    url, published = schema_server
    published.publish(without_feature_flag_key(published_document()))
    result = run_cli(
        "drift", cwd=tmp_path, env={"POSTHOG_HOST": url, "POSTHOG_PERSONAL_API_KEY": "phx_k"}
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert published.authorization == ["Bearer phx_k"]
    report = json.loads((tmp_path / "reports" / "drift.json").read_text(encoding="utf-8"))
    assert report["changed"] is True
    assert report["counts"] == {"field": 11}
    retrieve = report["operations"]["GET /api/projects/{project_id}/web_experiments/{id}/"]
    assert retrieve == [
        {
            "operation": "GET /api/projects/{project_id}/web_experiments/{id}/",
            "kind": "field",
            "change": "removed",
            "location": "response 200 application/json",
            "subject": "feature_flag_key",
            "before": {"type": "string", "readOnly": True, "required": True},
            "after": None,
        }
    ]
    listed = report["operations"]["GET /api/projects/{project_id}/web_experiments/"]
    assert [c["subject"] for c in listed] == ["results[].feature_flag_key"]
    # Removing a response field breaks a client of the recording.
    assert len(report["breaking"]) == 5
    summary = (tmp_path / "reports" / "drift.txt").read_text(encoding="utf-8")
    assert summary.startswith("spec drift: 11 change(s) (11 field) in 5 operation(s)")
    assert "response 200 application/json: field `feature_flag_key` removed" in summary
    assert summary in result.stdout


@pytest.mark.slow
def test_drift_reads_a_saved_schema_file(tmp_path: Path) -> None:
    changed = published_document()
    changed["paths"]["/api/projects/{project_id}/web_experiments/"]["get"]["parameters"].append(
        {"in": "query", "name": "search", "required": False, "schema": {"type": "string"}}
    )
    saved = tmp_path / "schema.json"
    saved.write_text(json.dumps(changed), encoding="utf-8")
    result = run_cli("drift", "--schema-file", str(saved), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "query parameter: parameter `search` added" in result.stdout


def test_drift_server_error_is_a_clear_error_exit_2(
    schema_server: tuple[str, PublishedSchema],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, published = schema_server
    published.status = 500
    monkeypatch.setenv("POSTHOG_HOST", url)
    assert main(["drift"]) == 2
    assert capsys.readouterr().err == (
        f'error: drift: GET {url}/api/schema/ answered 500: \'{{"detail": "error"}}\'\n'
    )


def test_drift_without_host_says_what_to_set(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drift"]) == 2
    assert capsys.readouterr().err == "error: drift: set POSTHOG_HOST (or pass --schema-file)\n"


def test_drift_record_writes_a_trimmed_copy_with_its_origin(
    schema_server: tuple[str, PublishedSchema], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, _ = schema_server
    destination = tmp_path / "recorded.yaml"
    monkeypatch.setenv("POSTHOG_HOST", url)
    monkeypatch.setenv("DRIFT_RECORDED_AGAINST", "PostHog test")
    assert main(["drift-record", "--recording", str(destination)]) == 0
    text = destination.read_text(encoding="utf-8")
    assert f"# Taken from {url}/api/schema/ at " in text
    assert "(PostHog test)" in text
    assert yaml.safe_load(text) == yaml.safe_load(RECORDING.read_text(encoding="utf-8"))
