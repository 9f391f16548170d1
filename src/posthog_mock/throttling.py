"""PostHog's personal API key throttles (DRF SimpleRateThrottle semantics), kept in memory."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Final

from posthog_mock.errors import throttled

# (requests allowed, window in seconds): PostHog's burst and sustained personal API key rates.
RATES: Final = ((480, 60.0), (4800, 3600.0))


class RateLimiter:
    """Per-key request histories; each throttle records a request only when it allows it."""

    def __init__(self, *, enabled: bool, clock: Callable[[], float] = time.monotonic) -> None:
        """Start with empty histories; a disabled limiter allows everything."""
        self.enabled = enabled
        self._clock = clock
        self._lock = threading.Lock()
        self._histories: dict[tuple[int, str], deque[float]] = {}

    def check(self, key: str) -> None:
        """Record a request for `key` or raise 429 with DRF's wait estimate."""
        if not self.enabled:
            return
        now = self._clock()
        waits: list[float] = []
        with self._lock:
            for index, (allowed, window) in enumerate(RATES):
                history = self._histories.setdefault((index, key), deque())
                while history and history[-1] <= now - window:
                    history.pop()
                if len(history) >= allowed:
                    remaining = window - (now - history[-1]) if history else window
                    available = allowed - len(history) + 1
                    if available > 0:
                        waits.append(remaining / available)
                    continue
                history.appendleft(now)
        if waits:
            raise throttled(math.ceil(max(waits)))

    def reset(self) -> None:
        """Forget every history."""
        with self._lock:
            self._histories.clear()
