"""Configuration from arguments and ``POSTHOG_*`` variables; a missing key fails before any I/O."""

from __future__ import annotations

from typing import Any

import pytest

from posthog_web_experiments import (
    AsyncPostHogWebExperiments,
    ConfigurationError,
    PostHogWebExperiments,
)

pytestmark = pytest.mark.anyio

CLIENT_CLASSES = [
    pytest.param(PostHogWebExperiments, id="sync"),
    pytest.param(AsyncPostHogWebExperiments, id="async"),
]
AnyClass = type[PostHogWebExperiments] | type[AsyncPostHogWebExperiments]


@pytest.mark.parametrize("cls", CLIENT_CLASSES)
@pytest.mark.parametrize(
    ("environ", "arguments", "host", "project_id"),
    [
        pytest.param(
            {"POSTHOG_PERSONAL_API_KEY": "phx_k"},
            {},
            "https://us.posthog.com",
            "@current",
            id="env-key-only-uses-defaults",
        ),
        pytest.param(
            {
                "POSTHOG_PERSONAL_API_KEY": "phx_k",
                "POSTHOG_HOST": "https://eu.posthog.com/",
                "POSTHOG_PROJECT_ID": "12",
            },
            {},
            "https://eu.posthog.com",
            "12",
            id="env-host-and-project-trailing-slash-stripped",
        ),
        pytest.param(
            {
                "POSTHOG_PERSONAL_API_KEY": "phx_env",
                "POSTHOG_HOST": "https://eu.posthog.com",
                "POSTHOG_PROJECT_ID": "12",
            },
            {"api_key": "phx_arg", "host": "http://localhost:8000", "project_id": 3},
            "http://localhost:8000",
            "3",
            id="arguments-beat-env",
        ),
        pytest.param(
            {"POSTHOG_HOST": "", "POSTHOG_PROJECT_ID": " "},
            {"api_key": "phx_arg"},
            "https://us.posthog.com",
            "@current",
            id="blank-env-values-use-defaults",
        ),
    ],
)
async def test_settings_resolve_from_arguments_then_env_then_defaults(
    cls: AnyClass,
    environ: dict[str, str],
    arguments: dict[str, Any],
    host: str,
    project_id: str,
) -> None:
    client = cls(environ=environ, **arguments)
    assert (client.host, client.project_id) == (host, project_id)
    await _close(client)


@pytest.mark.parametrize("cls", CLIENT_CLASSES)
@pytest.mark.parametrize(
    "environ",
    [
        pytest.param({}, id="unset"),
        pytest.param({"POSTHOG_PERSONAL_API_KEY": "  "}, id="blank"),
    ],
)
def test_missing_key_is_a_clear_error_before_any_request(
    cls: AnyClass, environ: dict[str, str]
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        cls.from_env(environ)
    assert str(caught.value) == (
        "No PostHog personal API key: pass api_key=... or set POSTHOG_PERSONAL_API_KEY."
    )


def test_host_without_scheme_is_rejected() -> None:
    with pytest.raises(ConfigurationError) as caught:
        PostHogWebExperiments(api_key="k", host="us.posthog.com")
    assert str(caught.value) == (
        "PostHog host must start with http:// or https://, got 'us.posthog.com'."
    )


def test_from_env_reads_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", "phx_from_env")
    monkeypatch.setenv("POSTHOG_HOST", "http://127.0.0.1:1")
    monkeypatch.delenv("POSTHOG_PROJECT_ID", raising=False)
    with PostHogWebExperiments.from_env() as client:
        assert (client.host, client.project_id) == ("http://127.0.0.1:1", "@current")
        assert client.generated_client.token == "phx_from_env"


async def _close(client: PostHogWebExperiments | AsyncPostHogWebExperiments) -> None:
    if isinstance(client, AsyncPostHogWebExperiments):
        await client.close()
    else:
        client.close()
