"""The test tools through the plugin's fixtures: one user file, in memory and served."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_pytest_plugin import PRELOADED
from tests.test_readme import USER_PYTEST_OPTIONS

USER_FILE = Path(__file__).parent / "examples" / "user_tests.py"
USER_TESTS = USER_FILE.read_text(encoding="utf-8")
assert PRELOADED


@pytest.mark.parametrize(
    "mode", ["in-memory", "in-process", pytest.param("subprocess", marks=pytest.mark.slow)]
)
def test_user_file_passes_in_memory_and_served(pytester: pytest.Pytester, mode: str) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    options = [*USER_PYTEST_OPTIONS, f"--posthog-mock-mode={mode}"]
    if mode == "subprocess":
        result = pytester.runpytest_subprocess(*options)
    else:
        result = pytester.runpytest_inprocess(*options)
    tests = USER_TESTS.count("\ndef test_") + USER_TESTS.count("async def test_")
    result.assert_outcomes(passed=tests)
