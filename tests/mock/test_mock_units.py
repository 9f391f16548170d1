"""In-process checks of pieces that HTTP cannot reach deterministically (clock, randomness)."""

from __future__ import annotations

from pathlib import Path

import pytest

from posthog_mock.config import ConfigError, parse_config
from posthog_mock.errors import APIError
from posthog_mock.flags import derive_flag_key, slugify
from posthog_mock.storage import ExperimentStore, FlagKeyTaken
from posthog_mock.throttling import RateLimiter


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        pytest.param("Hello World", "hello-world", id="django-doc-example"),
        pytest.param(" Joel is a slug ", "joel-is-a-slug", id="surrounding-space"),
        pytest.param("spam & eggs", "spam-eggs", id="ampersand"),
        pytest.param("a\x1cb", "a-b", id="unicode-whitespace-control"),
        pytest.param("İstanbul", "istanbul", id="dotted-capital-i"),
        pytest.param("___", "", id="only-underscores"),
        pytest.param("a_-_b", "a_-_b", id="inner-underscores-kept"),
    ],
)
def test_slugify_matches_django(text: str, slug: str) -> None:
    assert slugify(text.lower()) == slug


def test_derive_flag_key_uses_suffix() -> None:
    assert derive_flag_key("Zero to Web Experiment", lambda: "3fa90c1b2d") == (
        "zero-to-web-experiment-web-experiment-feature-3fa90c1b2d"
    )


def test_flag_key_collision_raises_flag_key_taken(tmp_path: Path) -> None:
    store = ExperimentStore(tmp_path / "db.sqlite3")
    split = [{"key": "control", "rollout_percentage": 100}]
    variants = {"control": {"rollout_percentage": 100}}
    store.create(1, "a", variants, split, "same-key")

    with pytest.raises(FlagKeyTaken):
        store.create(1, "b", variants, split, "same-key")
    store.create(2, "c", variants, split, "same-key")

    assert store.page(1, 10, 0).count == 1
    store.close()


def test_throttle_burst_wait_follows_drf() -> None:
    now = [1000.0]
    limiter = RateLimiter(enabled=True, clock=lambda: now[0])
    for i in range(480):
        now[0] = 1000.0 + i * 0.05
        limiter.check("k")

    with pytest.raises(APIError) as caught:
        limiter.check("k")

    # DRF: (60 - (now - oldest)) / (480 - 480 + 1) = 60 - 23.95, rounded up.
    assert caught.value.detail == "Request was throttled. Expected available in 37 seconds."
    now[0] += 60.0
    limiter.check("k")


def test_throttle_sustained_limit_applies_after_4800() -> None:
    now = [0.0]
    limiter = RateLimiter(enabled=True, clock=lambda: now[0])
    for i in range(4800):
        now[0] = i * 0.5
        limiter.check("k")

    with pytest.raises(APIError) as caught:
        limiter.check("k")

    assert caught.value.status == 429
    assert caught.value.detail.startswith("Request was throttled. Expected available in ")


def test_throttle_singular_second_wording() -> None:
    now = [0.0]
    limiter = RateLimiter(enabled=True, clock=lambda: now[0])
    for _ in range(480):
        limiter.check("k")
    now[0] = 59.5

    with pytest.raises(APIError) as caught:
        limiter.check("k")

    assert caught.value.detail == "Request was throttled. Expected available in 1 second."


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param(
            {"projects": [{"id": 1}, {"id": 1}]}, "configured twice", id="duplicate-project"
        ),
        pytest.param(
            {"projects": [{"id": 1}], "keys": [{"value": "k"}, {"value": "k"}]},
            "configured twice",
            id="duplicate-key",
        ),
        pytest.param(
            {"projects": [{"id": 1}], "keys": [{"value": "k", "current_project": 5}]},
            "current_project: 5 is not a configured project",
            id="unknown-current-project",
        ),
        pytest.param({"projects": [{"id": True}]}, "must be a positive integer", id="bool-id"),
    ],
)
def test_parse_config_rejects(raw: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(raw)


def test_parse_config_defaults_current_project_to_first_allowed() -> None:
    config = parse_config(
        {"projects": [{"id": 1}, {"id": 2}], "keys": [{"value": "k", "projects": [2]}]}
    )

    key = config.key("k")
    assert key is not None
    assert key.current_project == 2
    assert key.has_scope("experiment:read")
    assert not key.allows_project(1)
