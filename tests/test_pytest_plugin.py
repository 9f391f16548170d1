"""The pytest plugin as a user meets it: a fresh pytest process, their test file, our fixtures."""

from __future__ import annotations

import granian.server.embed
import httpcore
import pytest

import posthog_mock.app
import posthog_mock.server
from tests.test_readme import USER_PYTEST_OPTIONS

# In-process pytester runs drop the modules first imported during a run; a second run would
# then import httpcore afresh and its exceptions would no longer be the ones httpx maps.
PRELOADED = (granian.server.embed, httpcore, posthog_mock.app, posthog_mock.server)

USER_TESTS = """
import httpx
import pytest

from posthog_web_experiments import NotFoundError

BODY = {"name": "Checkout button", "variants": {"control": {"rollout_percentage": 100}}}


def test_create_list_delete(posthog_client):
    created = posthog_client.create(BODY)
    assert [e.name for e in posthog_client.iter_experiments()] == ["Checkout button"]
    posthog_client.delete(created.id)
    with pytest.raises(NotFoundError):
        posthog_client.retrieve(created.id)


def test_each_test_starts_from_an_empty_mock(posthog_client):
    posthog_client.create(BODY)
    assert posthog_client.list_page().count == 1


def test_each_test_starts_from_an_empty_mock_again(posthog_client):
    assert posthog_client.list_page().count == 0


@pytest.mark.anyio
async def test_async_client(posthog_async_client):
    created = await posthog_async_client.create(BODY)
    assert [e.id async for e in posthog_async_client.iter_experiments()] == [created.id]
    await posthog_async_client.delete(created.id)


def test_raw_http_with_url_and_key(posthog_mock):
    response = httpx.get(
        f"{posthog_mock.base_url}/api/projects/{posthog_mock.project_id}/web_experiments/",
        headers={"Authorization": f"Bearer {posthog_mock.api_key}"},
    )
    assert response.json()["count"] == 0
"""


@pytest.mark.parametrize("mode", ["in-process", pytest.param("subprocess", marks=pytest.mark.slow)])
def test_user_tests_pass_with_only_the_plugin_fixtures(
    pytester: pytest.Pytester, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A real-looking PostHog in the environment must change nothing.
    monkeypatch.setenv("POSTHOG_HOST", "https://us.posthog.com")
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", "phx_real_looking_key_1234567890")
    pytester.makepyfile(test_experiments=USER_TESTS)
    options = [*USER_PYTEST_OPTIONS, f"--posthog-mock-mode={mode}"]
    if mode == "subprocess":
        result = pytester.runpytest_subprocess(*options)
    else:
        result = pytester.runpytest_inprocess(*options)
    result.assert_outcomes(passed=5)


def test_config_from_the_ini_option_sets_keys_and_projects(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".toml",
        mock="[[projects]]\nid = 7\n"
        '[[keys]]\nvalue = "phx_team_key"\nscopes = ["experiment:read"]\n',
    )
    pytester.makeini("[pytest]\nposthog_mock_config = mock.toml\n")
    pytester.makepyfile(
        test_config="""
import pytest
from posthog_web_experiments import PermissionDeniedError


def test_read_only_key(posthog_mock, posthog_client):
    assert (posthog_mock.api_key, posthog_mock.project_id) == ("phx_team_key", 7)
    assert posthog_client.list_page().count == 0
    with pytest.raises(PermissionDeniedError):
        posthog_client.create({"name": "x", "variants": {"control": {"rollout_percentage": 100}}})
"""
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_unknown_mode_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nposthog_mock_mode = docker\n")
    pytester.makepyfile(test_x="def test_x(posthog_mock):\n    pass\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.stderr.fnmatch_lines(
        ["*posthog_mock_mode must be one of in-process, subprocess, in-memory: 'docker'*"]
    )
    assert result.ret != 0


VERSION_TESTS = """
import httpx


def test_trace_answers_in_the_recorded_wording(posthog_mock):
    response = httpx.request(
        "TRACE",
        f"{posthog_mock.base_url}/api/projects/1/web_experiments/",
        headers={"Authorization": f"Bearer {posthog_mock.api_key}"},
    )
    assert response.json()["detail"] == "This action does not support Personal API Key access"


def test_long_name_gets_the_server_error(posthog_mock):
    response = httpx.post(
        f"{posthog_mock.base_url}/api/projects/1/web_experiments/",
        headers={"Authorization": f"Bearer {posthog_mock.api_key}"},
        json={"name": "a" * 366, "variants": {"control": {"rollout_percentage": 100}}},
    )
    assert response.status_code == EXPECTED_STATUS
"""


@pytest.mark.parametrize(
    ("options", "ini", "status"),
    [
        pytest.param(["--posthog-version=2025-08"], "", 500, id="option"),
        pytest.param([], "posthog_mock_posthog_version = 2025-08\n", 500, id="ini"),
        pytest.param(
            ["--posthog-version=2025-08", "--posthog-mock-strict"], "", 400, id="option-strict"
        ),
        pytest.param(
            [],
            "posthog_mock_posthog_version = 2025-08\nposthog_mock_strict = true\n",
            400,
            id="ini-strict",
        ),
    ],
)
def test_posthog_version_and_strict_reach_the_plugin_mock(
    pytester: pytest.Pytester, options: list[str], ini: str, status: int
) -> None:
    pytester.makeini(f"[pytest]\n{ini}")
    pytester.makepyfile(test_version=VERSION_TESTS.replace("EXPECTED_STATUS", str(status)))
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", *options)
    result.assert_outcomes(passed=2)


def test_unknown_posthog_version_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_x="def test_x(posthog_mock):\n    pass\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--posthog-version=2024-01")
    result.stderr.fnmatch_lines(["*--posthog-version: unknown PostHog version '2024-01'*"])
    assert result.ret != 0
