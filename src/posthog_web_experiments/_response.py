"""What a call can show besides its model: the raw response and the retries it took."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

import attrs
import httpx

__all__ = ["RawResponse", "RetryEvent", "RetryHook"]

_Parsed = TypeVar("_Parsed")


@attrs.frozen
class RawResponse(Generic[_Parsed]):
    """A call's final HTTP response with its parsed model, attempts and elapsed time.

    ``client.with_raw_response.<method>(...)`` returns one; ``parsed`` is what the plain method
    returns (None for ``delete``).
    """

    parsed: _Parsed
    http_response: httpx.Response
    attempts: int
    elapsed: float

    @property
    def status_code(self) -> int:
        """The final response's status."""
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """The final response's headers."""
        return self.http_response.headers


@attrs.frozen
class RetryEvent:
    """One retry about to happen: which attempt failed, why, and how long the SDK will wait."""

    method: str
    url: str
    attempt: int
    delay: float
    reason: str
    status_code: int | None = None
    error: Exception | None = None


RetryHook = Callable[[RetryEvent], None]
