"""A fixture of the plugin that cannot start its mock says why once, without a traceback."""

from __future__ import annotations

import pytest


def test_config_typo_is_reported_once_with_the_key_received(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_typo="""
        import pytest

        @pytest.fixture(scope="session")
        def posthog_mock_config():
            return "[[projects]]\\nidd = 1\\n"

        def test_uses_the_mock(posthog_client):
            pass
        """
    )

    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-p", "no:schemathesis", "-p", "no:hypothesispytest"
    )

    result.assert_outcomes(errors=1)
    output = result.stdout.str()
    # The error report, not pytest's own summary: on CI (the CI variable set)
    # pytest repeats each error's whole message there.
    report = output.split("short test summary info")[0]
    assert report.count("unknown key(s) in projects[0]: idd") == 1
    assert "During handling of the above exception" not in output
    assert "Traceback" not in output
    (shown,) = [line for line in result.stdout.lines if line.startswith("posthog_mock")]
    assert shown.startswith("posthog_mock cannot start: config ")
    assert shown.endswith("/mock.toml: unknown key(s) in projects[0]: idd")
