"""The suite's power: each deliberately broken mock fails the run with a message naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from posthog_mock.testing import MockServer
from tests.contract.conftest import live_env, run_contract
from tests.contract.mutating_proxy import MUTANTS, Mutant, mutating_proxy

# Small budgets keep each run to a few seconds; the seed makes the outcome reproducible.
RUN_ARGS = ["--live", "--seed", "1", "--max-examples", "5", "--requests-per-minute", "0"]
RUN_ARGS += ["--max-creates", "1000"]


@pytest.mark.slow
def test_unbroken_proxy_passes(mock_server: MockServer, tmp_path: Path) -> None:
    with mutating_proxy(mock_server.base_url, Mutant("identity", "")) as url:
        result = run_contract([*RUN_ARGS, "--reports-dir", str(tmp_path)], live_env(url))
    assert result.returncode == 0, result.output[-4000:]
    assert "PASSED" in result.output


@pytest.mark.slow
@pytest.mark.parametrize("mutant", [pytest.param(m, id=m.name) for m in MUTANTS])
def test_broken_mock_fails_the_run(mutant: Mutant, mock_server: MockServer, tmp_path: Path) -> None:
    with mutating_proxy(mock_server.base_url, mutant) as url:
        result = run_contract([*RUN_ARGS, "--reports-dir", str(tmp_path)], live_env(url))
    summary = result.output[result.output.rfind("=" * 72) :]
    assert result.returncode == 1, result.output[-4000:]
    assert summary.rstrip().endswith("FAILED"), summary
    assert mutant.expected in summary, summary
