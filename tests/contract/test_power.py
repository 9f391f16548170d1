"""The suite's power: each deliberately broken mock fails the run with a message naming it."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.contract.conftest import RunResult, live_env, run_contract, suite_mock
from tests.contract.mutating_proxy import MUTANTS, Mutant, mutating_proxy

# Small budgets keep each run to seconds; the seed makes every outcome reproducible.
RUN_ARGS = ["--live", "--seed", "1", "--max-examples", "5", "--requests-per-minute", "0"]
RUN_ARGS += ["--max-creates", "1000"]
IDENTITY = Mutant("identity", "")
# The first test sets up every run (`runs`): on 2 cores shared with the rest of `make check`
# that can take longer than the default 300 s of a single test.
pytestmark = pytest.mark.timeout(900)
# The matrix cell each mutant must turn to FAIL: its check, on the operation the break shows in.
FAILING_CELLS = {
    "wrong_status": ("status_code_conformance", "create"),
    "missing_field": ("response_schema_conformance", "create"),
    "mistyped_field": ("response_schema_conformance", "create"),
    "auth_not_enforced": ("ignored_auth", "list"),
    "read_only_key_writes": ("scope_enforced", "create"),
    "server_error": ("not_a_server_error", "create"),
    "wrong_next_link": ("pagination_links", "list"),
    "delete_does_not_delete": ("deleted_is_gone", "destroy"),
    "broken_error_envelope": ("posthog_error_envelope", "create"),
    "flag_key_changes": ("feature_flag_key_stable", "partial_update"),
    "variants_lose_transforms": ("variants_round_trip", "create"),
    "created_at_not_utc": ("created_at_is_utc", "create"),
    "accepts_invalid_body": ("negative_data_rejection", "create"),
}
# Each mutant's run is the one test of the suite for that cell's operation: the break shows
# there, and the unbroken run (the whole suite) shows every other cell still passes.
OPERATION_TESTS = {
    "list": "test_operation[GET /api/projects/{project_id}/web_experiments/]",
    "create": "test_operation[POST /api/projects/{project_id}/web_experiments/]",
    "partial_update": "test_operation[PATCH /api/projects/{project_id}/web_experiments/{id}/]",
    "destroy": "test_operation[DELETE /api/projects/{project_id}/web_experiments/{id}/]",
}
# Breaks a check finds by comparing answers across tests (the key a create answered, read
# again after an update): their runs are whole.
WHOLE_RUNS = {"flag_key_changes"}
# Mutants that break the server with a 5xx: reported as PostHog defects, not disagreements.
SERVER_DEFECTS = {"server_error"}
# Runs are mostly waiting on loopback I/O and child processes: three at a time fit two cores.
PARALLEL_RUNS = 3


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RunResult]:
    """One run per mutant (of its cell's operation) and one whole run through an unbroken proxy."""

    mutants = [IDENTITY, *MUTANTS]
    # mktemp is not thread-safe on first use: make every directory before the threads start.
    directories = {mutant.name: tmp_path_factory.mktemp(mutant.name) for mutant in mutants}

    def run(mutant: Mutant) -> RunResult:
        directory = directories[mutant.name]
        # Strict: a known PostHog 500 (e.g. a test-variant transform that is not an object, in
        # the coverage phase) ends an operation's run before the cases a mutant breaks, so the
        # power to catch a broken server is measured on a server without PostHog's own 500s.
        strict = suite_mock(directory, strict=True)
        args = [*RUN_ARGS, "--reports-dir", str(directory)]
        if mutant is not IDENTITY and mutant.name not in WHOLE_RUNS:
            args += ["--only", OPERATION_TESTS[FAILING_CELLS[mutant.name][1]]]
        with strict as server, mutating_proxy(server.base_url, mutant) as url:
            return run_contract(args, live_env(url))

    with ThreadPoolExecutor(max_workers=PARALLEL_RUNS) as pool:
        return dict(zip([m.name for m in mutants], pool.map(run, mutants), strict=True))


def summary_of(result: RunResult) -> str:
    return result.output[result.output.rfind("=" * 72) :]


def matrix_of(summary: str) -> dict[tuple[str, str], str]:
    """The summary's matrix cells by (check, operation without web_experiments_)."""
    lines = summary.splitlines()
    header = next(index for index, line in enumerate(lines) if line.startswith("web_experiments_*"))
    operations = lines[header].split()[1:]
    cells: dict[tuple[str, str], str] = {}
    for line in lines[header + 1 :]:
        if not line.startswith(("  ", "built-in", "own")):
            break
        if line.startswith("  "):
            check, *row = line.split()
            cells.update({(check, op): cell for op, cell in zip(operations, row, strict=True)})
    return cells


@pytest.mark.slow
def test_unbroken_proxy_passes(runs: dict[str, RunResult]) -> None:
    result = runs[IDENTITY.name]
    assert result.returncode == 0, result.output[-4000:]
    summary = summary_of(result)
    # The strict mock answers 400 where PostHog answers 500; a known defect would still pass.
    assert re.fullmatch(
        r"PASSED( \(\d+ known defects\))? \(exit 0\)", summary.rstrip().splitlines()[-1]
    )
    assert "\nDISAGREE " not in summary, summary
    cells = matrix_of(summary)
    assert len(cells) == 21 * 6, summary
    assert "FAIL" not in cells.values(), summary
    # Every check, own ones included, really ran somewhere, and the exclusions are shown.
    checks, operations = {check for check, _ in cells}, {op for _, op in cells}
    for check in checks - {"unsupported_method"}:
        assert any(cells[check, op] == "ok" for op in operations), (check, summary)
    assert cells["negative_data_rejection", "list"] == "off", summary


@pytest.mark.slow
@pytest.mark.parametrize("mutant", [pytest.param(m, id=m.name) for m in MUTANTS])
def test_broken_mock_fails_the_run_naming_the_problem(
    mutant: Mutant, runs: dict[str, RunResult]
) -> None:
    result = runs[mutant.name]
    summary = summary_of(result)
    # A 5xx is the server's own defect (exit 3, cell 5xx); anything else disagrees (exit 1).
    defect = mutant.name in SERVER_DEFECTS
    assert result.returncode == (3 if defect else 1), result.output[-4000:]
    assert summary.rstrip().splitlines()[-1].startswith("FAILED"), summary
    assert mutant.expected in summary, summary
    check, operation = FAILING_CELLS[mutant.name]
    assert matrix_of(summary)[check, operation] == ("5xx" if defect else "FAIL"), summary
    assert "    replay the case: curl " in summary, summary
    assert "--seed 1 --only " in summary, summary
