"""Suite-wide rules: no test reaches a live PostHog unless asked for by name (`--run-live`)."""

from __future__ import annotations

import os

import pytest

LIVE_OPTION = "--run-live"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        LIVE_OPTION,
        action="store_true",
        default=False,
        help="run the tests marked `live` against the PostHog named by POSTHOG_* (make test-live)",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Forget POSTHOG_* unless live tests were asked for, so no test or subprocess can use them."""
    if not config.getoption(LIVE_OPTION):
        for name in [name for name in os.environ if name.startswith("POSTHOG_")]:
            del os.environ[name]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect `live` tests unless `--run-live` was given, whatever `-m` or `-k` selects."""
    if config.getoption(LIVE_OPTION):
        return
    live = [item for item in items if item.get_closest_marker("live") is not None]
    if live:
        config.hook.pytest_deselected(items=live)
        items[:] = [item for item in items if item.get_closest_marker("live") is None]
