"""Opt-in: the suite against the live PostHog named by the environment (marker `live`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from contract_tests.targets import LIVE_VARIABLES
from tests.contract.conftest import run_contract


@pytest.mark.live
def test_live_posthog_honours_the_contract(tmp_path: Path) -> None:
    missing = [name for name in LIVE_VARIABLES if not os.environ.get(name)]
    if missing:
        pytest.skip("needs " + ", ".join(missing))
    result = run_contract(
        ["--live", "--reports-dir", str(tmp_path)], dict(os.environ), timeout=3600
    )
    assert result.returncode == 0, result.output[-8000:]
