"""What every handler needs: configuration, storage, the rate limiter, faults and journal."""

from __future__ import annotations

from dataclasses import dataclass, field

from posthog_mock.config import MockConfig
from posthog_mock.faults import FaultSet
from posthog_mock.journal import Journal
from posthog_mock.storage import ExperimentStore
from posthog_mock.throttling import RateLimiter


@dataclass(frozen=True)
class MockState:
    """The server's shared state, created once per worker."""

    config: MockConfig
    store: ExperimentStore
    limiter: RateLimiter
    faults: FaultSet = field(default_factory=FaultSet)
    journal: Journal = field(default_factory=Journal)
