"""What every handler needs: configuration, storage and the rate limiter."""

from __future__ import annotations

from dataclasses import dataclass

from posthog_mock.config import MockConfig
from posthog_mock.storage import ExperimentStore
from posthog_mock.throttling import RateLimiter


@dataclass(frozen=True)
class MockState:
    """The server's shared state, created once per worker."""

    config: MockConfig
    store: ExperimentStore
    limiter: RateLimiter
