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


PROFILE_TEST = """
def test_profile_and_strict_reach_the_mock(posthog_mock):
    with posthog_mock.http_client() as http:
        config = http.get("/_mock/config").json()
    assert (config["posthog_version"], config["strict"]) == ("2025-08", True)
"""


def test_in_memory_mock_answers_as_the_chosen_posthog(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_profile=PROFILE_TEST)
    result = pytester.runpytest_inprocess(
        *USER_PYTEST_OPTIONS,
        "--posthog-mock-mode=in-memory",
        "--posthog-version=2025-08",
        "--posthog-mock-strict",
    )
    result.assert_outcomes(passed=1)


def test_in_memory_mock_with_a_bad_seed_fails_clearly(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".toml",
        mock="[[projects]]\nid = 1\n\n[[experiments]]\nname = 'Bad'\n"
        "variants = {test = {rollout_percentage = 100}}\n",
    )
    pytester.makeini("[pytest]\nposthog_mock_config = mock.toml\nposthog_mock_mode = in-memory\n")
    pytester.makepyfile(test_x="def test_x(posthog_mock):\n    pass\n")

    result = pytester.runpytest_inprocess(*USER_PYTEST_OPTIONS)

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*posthog_mock: posthog_mock cannot start: experiments[[]0[]].variants:"
            " Experiment should contain a control variant"
        ]
    )
