"""Keys configured with the scopes real PostHog keys carry, and what they grant here (§9)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from posthog_mock.config import ConfigError, parse_config
from posthog_mock.testing import MockServer

REAL_KEY_SCOPES = [
    "feature_flag:read",
    "insight:write",
    "dashboard:read",
    "experiment_saved_metric:read",
    "query:read",
    "user_interview_DO_NOT_USE:read",
]


def config_with_scopes(scopes: list[str]) -> dict[str, object]:
    return {"projects": [{"id": 1}], "keys": [{"value": "phx_real", "scopes": scopes}]}


def test_real_posthog_scopes_are_accepted() -> None:
    config = parse_config(config_with_scopes(REAL_KEY_SCOPES))
    key = config.key("phx_real")
    assert key is not None
    assert key.scopes == frozenset(REAL_KEY_SCOPES)
    assert not key.has_scope("experiment:read")
    assert key.has_scope("insight:read")


@pytest.mark.parametrize(
    "scope",
    [
        pytest.param("nope", id="no-action"),
        pytest.param("experiment:delete", id="unknown-action"),
        pytest.param("experiment:", id="empty-action"),
        pytest.param(":read", id="empty-object"),
        pytest.param("feature flag:read", id="space-in-object"),
        pytest.param("experiment:read ", id="trailing-space"),
    ],
)
def test_malformed_scopes_are_rejected(scope: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(config_with_scopes([scope]))
    assert str(caught.value) == (
        f"keys[0].scopes: unknown scope {scope!r} (expected '*' or '<object>:read' or "
        "'<object>:write', as PostHog writes them, e.g. 'experiment:read', 'feature_flag:write')"
    )


def test_key_with_real_scopes_reads_experiments_only_with_experiment_scope(
    tmp_path: Path,
) -> None:
    config = tmp_path / "mock.toml"
    config.write_text(
        "[[projects]]\nid = 1\n"
        '[[keys]]\nvalue = "phx_copied_from_posthog"\n'
        'scopes = ["feature_flag:read", "insight:write", "experiment:read"]\n'
        '[[keys]]\nvalue = "phx_flags_only"\nscopes = ["feature_flag:read", "insight:write"]\n',
        encoding="utf-8",
    )
    with MockServer.start(config_path=config) as server:
        url = f"{server.base_url}/api/projects/1/web_experiments/"
        allowed = httpx.get(url, headers={"Authorization": "Bearer phx_copied_from_posthog"})
        denied = httpx.get(url, headers={"Authorization": "Bearer phx_flags_only"})
    assert allowed.status_code == 200
    assert denied.status_code == 403
    assert denied.json() == {
        "type": "authentication_error",
        "code": "permission_denied",
        "detail": "API key missing required scope 'experiment:read'",
        "attr": None,
    }
