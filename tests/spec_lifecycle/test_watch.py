"""`make watch`: spec drift and parity-live's behaviour drift, one row per operation."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
import yaml

from posthog_mock.testing import MockServer
from spec_lifecycle.watch import UNPLACED, operation_of, parse_parity_report

from .conftest import RECORDING, ROOT, run_cli

OPERATIONS = [
    "GET /api/projects/{project_id}/web_experiments/",
    "POST /api/projects/{project_id}/web_experiments/",
    "GET /api/projects/{project_id}/web_experiments/{id}/",
    "PUT /api/projects/{project_id}/web_experiments/{id}/",
    "PATCH /api/projects/{project_id}/web_experiments/{id}/",
    "DELETE /api/projects/{project_id}/web_experiments/{id}/",
]
REPORT_WITH_DIFFERENCES = """\
.venv/bin/python -m parity live
NOT RUN scope_legacy_key_full_access: not configured: key.legacy

## mock profile 2025-08: 1 scenario(s) differ
routes_options: 1 difference(s) from the live
steps[0].response.headers.allow
    live: "GET"
    2025-08: "GET, POST"

## mock profile current: 2 scenario(s) differ
auth_no_credentials_detail: 2 difference(s) from the live
steps[2].response.status
    live: 401
    current: 403
steps[2].response.body.code
    live: "not_authenticated"
    current: "permission_denied"
routes_options: 1 difference(s) from the live
steps[0].response.headers.allow
    live: "GET"
    current: "GET, POST"

2 scenarios run (9 steps, 9 live requests), 1 not run; 2025-08: 1 differing step(s), \
current: 3 differing step(s)
http://127.0.0.1:8020 matches no mock profile; closest: current
"""


def test_recorded_live_report_parses_as_clean() -> None:
    text = (ROOT / "bench" / "parity_live_oracle.txt").read_text(encoding="utf-8")
    outcome = parse_parity_report(text, 1)
    assert outcome.not_run == []
    assert outcome.summary.endswith("matches no mock profile; closest: 2025-08")
    # The recorded run predates the mock's Django middleware headers: every step differed, and
    # the recording keeps only the counts, so the difference is counted through the exit code.
    assert [d.scenario for d in outcome.differences] == [UNPLACED]


def test_differences_are_counted_by_step_and_not_run_kept() -> None:
    outcome = parse_parity_report(REPORT_WITH_DIFFERENCES, 1)
    assert [(d.scenario, d.step, d.differences) for d in outcome.differences] == [
        ("auth_no_credentials_detail", 2, 2),
        ("routes_options", 0, 1),
    ]
    assert outcome.not_run == ["scope_legacy_key_full_access: NOT RUN: not configured: key.legacy"]
    assert outcome.summary.endswith("closest: current")


def test_report_it_cannot_read_still_counts_through_the_exit_code() -> None:
    outcome = parse_parity_report("something else entirely\n2 differences\n", 1)
    assert [(d.scenario, d.rule) for d in outcome.differences] == [(UNPLACED, "2 differences")]


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    [
        ("GET", "/api/projects/{project.main}/web_experiments/?limit=1", OPERATIONS[0]),
        ("POST", "/api/projects/@current/web_experiments/", OPERATIONS[1]),
        ("PATCH", "/api/projects/{project.main}/web_experiments/{create.id}/", OPERATIONS[4]),
        ("GET", "/api/projects/{project.main}/web_experiments/{create.id}", OPERATIONS[2]),
        (
            "OPTIONS",
            "/api/projects/{project.main}/web_experiments/",
            "other OPTIONS /api/projects/{project_id}/web_experiments/",
        ),
        (
            "GET",
            "/api/projects/1/web_experiments/1/extra/",
            "other GET /api/projects/1/web_experiments/1/extra/",
        ),
    ],
)
def test_corpus_requests_map_to_operations(method: str, path: str, operation: str) -> None:
    assert operation_of(method, path, OPERATIONS) == operation


@pytest.mark.slow
def test_watch_puts_spec_and_behaviour_drift_side_by_side(tmp_path: Path) -> None:
    published = yaml.safe_load(RECORDING.read_text(encoding="utf-8"))
    changed = copy.deepcopy(published)
    del changed["paths"]["/api/projects/{project_id}/web_experiments/{id}/"]["delete"]
    saved = tmp_path / "schema.yaml"
    saved.write_text(yaml.safe_dump(changed), encoding="utf-8")
    with MockServer.start() as mock:
        assert mock.api_key is not None
        result = run_cli(
            "watch",
            "--schema-file", str(saved),
            "--parity-args", "auth_no_credentials_list list_newest_first --requests-per-minute 0",
            cwd=tmp_path,
            env={
                "POSTHOG_HOST": mock.base_url,
                "POSTHOG_PERSONAL_API_KEY": mock.api_key,
                "POSTHOG_PROJECT_ID": str(mock.project_id),
            },
        )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    report = json.loads((tmp_path / "reports" / "watch.json").read_text(encoding="utf-8"))
    assert list(report["operations"]) == OPERATIONS
    assert report["operations"][OPERATIONS[5]] == {
        "spec_drift": [f"{OPERATIONS[5]}: operation removed"],
        "behaviour_drift": [],
    }
    assert all(row["behaviour_drift"] == [] for row in report["operations"].values())
    assert report["behaviour"]["exit_code"] == 0
    assert report["behaviour"]["summary"].endswith("answers as mock profile 2026-05")
    parity_text = (tmp_path / "reports" / "watch-parity.txt").read_text(encoding="utf-8")
    assert parity_text.rstrip().endswith(report["behaviour"]["summary"])
    assert re.search(rf"^{re.escape(OPERATIONS[5])} +1 +0$", result.stdout, re.MULTILINE)
