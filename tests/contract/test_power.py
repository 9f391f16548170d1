"""The suite's power: each deliberately broken mock fails the run with a message naming it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.contract.conftest import RunResult, live_env, run_contract, suite_mock
from tests.contract.mutating_proxy import MUTANTS, Mutant, mutating_proxy

# Small budgets keep each run to seconds; the seed makes every outcome reproducible.
RUN_ARGS = ["--live", "--seed", "1", "--max-examples", "5", "--requests-per-minute", "0"]
RUN_ARGS += ["--max-creates", "1000"]
IDENTITY = Mutant("identity", "")
# Runs are mostly waiting on loopback I/O and child processes: three at a time fit two cores.
PARALLEL_RUNS = 3


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RunResult]:
    """One suite run per mutant (and one through an unbroken proxy), each on a fresh mock."""

    mutants = [IDENTITY, *MUTANTS]
    # mktemp is not thread-safe on first use: make every directory before the threads start.
    directories = {mutant.name: tmp_path_factory.mktemp(mutant.name) for mutant in mutants}

    def run(mutant: Mutant) -> RunResult:
        directory = directories[mutant.name]
        with suite_mock(directory) as server, mutating_proxy(server.base_url, mutant) as url:
            return run_contract([*RUN_ARGS, "--reports-dir", str(directory)], live_env(url))

    with ThreadPoolExecutor(max_workers=PARALLEL_RUNS) as pool:
        return dict(zip([m.name for m in mutants], pool.map(run, mutants), strict=True))


def summary_of(result: RunResult) -> str:
    return result.output[result.output.rfind("=" * 72) :]


@pytest.mark.slow
def test_unbroken_proxy_passes(runs: dict[str, RunResult]) -> None:
    result = runs[IDENTITY.name]
    assert result.returncode == 0, result.output[-4000:]
    assert summary_of(result).rstrip().endswith("PASSED")


@pytest.mark.slow
@pytest.mark.parametrize("mutant", [pytest.param(m, id=m.name) for m in MUTANTS])
def test_broken_mock_fails_the_run_naming_the_problem(
    mutant: Mutant, runs: dict[str, RunResult]
) -> None:
    result = runs[mutant.name]
    summary = summary_of(result)
    assert result.returncode == 1, result.output[-4000:]
    assert summary.rstrip().endswith("FAILED"), summary
    assert mutant.expected in summary, summary
    assert "    replay the case: curl " in summary, summary
    assert "--seed 1 --only " in summary, summary
