"""What every handler needs: configuration, storage, the rate limiter, faults, journal, stubs."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Final

from posthog_mock.config import MockConfig
from posthog_mock.faults import FaultSet
from posthog_mock.journal import Journal
from posthog_mock.storage import ExperimentStore
from posthog_mock.stubs import StubSet
from posthog_mock.throttling import RateLimiter

# How many of the latest reproduced PostHog defects `/_mock/posthog_defects` lists.
DEFECT_LOG_SIZE: Final = 10_000


@dataclass(frozen=True)
class ReproducedDefect:
    """One answer in which the mock reproduced a PostHog defect on purpose (0: dropped)."""

    method: str
    path: str
    status: int
    defect: str = ""


@dataclass(frozen=True)
class MockState:
    """The server's shared state, created once per worker."""

    config: MockConfig
    store: ExperimentStore
    limiter: RateLimiter
    defects: deque[ReproducedDefect] = field(default_factory=lambda: deque(maxlen=DEFECT_LOG_SIZE))
    faults: FaultSet = field(default_factory=FaultSet)
    journal: Journal = field(default_factory=Journal)
    stubs: StubSet = field(default_factory=StubSet)
