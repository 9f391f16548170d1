"""Known PostHog defects: `--baseline FILE` records them once, later runs fail only on new ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contract_tests import baseline
from contract_tests.results import DEFECT, DISAGREEMENT, CheckFailure, ItemOutcome, RunRecord
from contract_tests.summary import verdict
from tests.contract.conftest import live_env, run_contract, suite_mock
from tests.contract.mutating_proxy import MUTANTS, mutating_proxy

RUN_ARGS = ["--live", "--seed", "1", "--max-examples", "5", "--requests-per-minute", "0"]


def failure(category: str = DEFECT, cause: str = "a variant is not an object") -> CheckFailure:
    return CheckFailure(
        operation="web_experiments_create",
        check="not_a_server_error",
        category=DEFECT if category == DEFECT else DISAGREEMENT,
        phase="coverage",
        status_code=500 if category == DEFECT else 400,
        title="Server error",
        message="",
        request="POST /api/projects/1/web_experiments/",
        cause=cause,
        curl="curl -X POST ...",
        test="test_operation[POST /api/projects/{project_id}/web_experiments/]",
    )


def record_of(*failures: CheckFailure) -> RunRecord:
    outcome = "failed" if failures else "passed"
    return RunRecord(failures=list(failures), tests=[ItemOutcome("test_operation", outcome)])


def test_baseline_round_trips_and_lists_defects_only(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    written = baseline.save(path, [failure(), failure(DISAGREEMENT)], server="http://x")
    assert written == [
        baseline.KnownDefect(
            "web_experiments_create", "not_a_server_error", 500, "a variant is not an object"
        )
    ]
    assert baseline.load(path) == set(written)
    assert json.loads(path.read_text())["server"] == "http://x"


def test_unreadable_baseline_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(baseline.BaselineError, match=f"cannot read baseline {path}"):
        baseline.load(path)


@pytest.mark.parametrize(
    ("failures", "known_causes", "exit_code"),
    [
        pytest.param([], set(), 0, id="clean"),
        pytest.param([failure()], set(), 3, id="new-defect"),
        pytest.param([failure()], {"a variant is not an object"}, 0, id="known-defect"),
        pytest.param(
            [failure(cause="other")], {"a variant is not an object"}, 3, id="other-cause-is-new"
        ),
        pytest.param([failure(), failure(DISAGREEMENT)], set(), 1, id="disagreement-wins"),
        pytest.param(
            [failure(DISAGREEMENT)], {"a variant is not an object"}, 1, id="never-baselined"
        ),
    ],
)
def test_exit_code_separates_disagreements_from_defects(
    failures: list[CheckFailure], known_causes: set[str], exit_code: int
) -> None:
    record = record_of(*failures)
    known = {
        baseline.KnownDefect("web_experiments_create", "not_a_server_error", 500, cause)
        for cause in known_causes
    }
    baseline.apply(record.failures, known)
    assert verdict(record, leftovers=[]).exit_code == exit_code


def test_failed_test_without_a_recorded_failure_never_passes() -> None:
    record = RunRecord(tests=[ItemOutcome("TestStateful::runTest", "failed")])
    assert verdict(record, leftovers=[]).exit_code == 1


def test_suite_error_is_a_failure_even_with_known_defects() -> None:
    record = record_of(failure())
    record.tests.append(ItemOutcome("TestStateful::runTest", "failed", "Flaky: ..."))
    baseline.apply(record.failures, {baseline.KnownDefect.of(failure())})
    assert verdict(record, leftovers=[]).exit_code == 1


@pytest.mark.slow
def test_recorded_baseline_turns_a_defective_server_green_until_something_new(
    tmp_path: Path,
) -> None:
    server_error = next(mutant for mutant in MUTANTS if mutant.name == "server_error")
    baseline_file = tmp_path / "known-defects.json"
    with suite_mock(tmp_path) as server, mutating_proxy(server.base_url, server_error) as url:
        env = live_env(url)
        reports = ["--reports-dir", str(tmp_path / "reports")]
        plain = run_contract([*RUN_ARGS, *reports], env)
        recording = run_contract([*RUN_ARGS, *reports, "--baseline", str(baseline_file)], env)
        applying = run_contract([*RUN_ARGS, *reports, "--baseline", str(baseline_file)], env)
    assert plain.returncode == 3, plain.output[-4000:]
    assert "0 contract disagreements" in plain.output
    assert recording.returncode == 0, recording.output[-4000:]
    assert f"Baseline {baseline_file} written: " in recording.output
    entries = json.loads(baseline_file.read_text())["defects"]
    assert entries
    assert {entry["status_code"] for entry in entries} == {500}
    assert applying.returncode == 0, applying.output[-4000:]
    assert f"Baseline {baseline_file}: {len(entries)} known defects" in applying.output
    assert applying.output.rstrip().splitlines()[-1].startswith("PASSED (")


def test_baseline_update_keeps_known_defects_and_adds_new_ones(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    first = baseline.save(path, [failure()], server="http://x")
    merged = baseline.save(
        path, [failure(cause="other")], server="http://x", known=baseline.load(path)
    )
    assert set(first) < set(merged)
    assert {entry.cause for entry in baseline.load(path)} == {"a variant is not an object", "other"}


def test_update_baseline_needs_a_baseline_file() -> None:
    result = run_contract(["--update-baseline"], live_env("http://127.0.0.1:9"))
    assert result.returncode == 2
    assert result.output.strip().splitlines()[-1] == (
        "python -m contract_tests: error: --update-baseline needs --baseline FILE"
    )


def test_unreadable_baseline_stops_the_run_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "baseline.json"
    bad.write_text("not json", encoding="utf-8")
    with suite_mock(tmp_path) as server:
        result = run_contract(
            ["--live", "--baseline", str(bad), "--reports-dir", str(tmp_path / "reports")],
            live_env(str(server.base_url).rstrip("/")),
        )
    assert result.returncode == 2
    assert result.output.strip().splitlines()[-1].startswith(f"error: cannot read baseline {bad}")
    assert not (tmp_path / "reports" / "contract-settings.json").exists()
