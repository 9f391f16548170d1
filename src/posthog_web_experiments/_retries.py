"""When to retry a request and how long to wait first.

Policy (why it looks like this):

* GET, PUT, PATCH and DELETE are idempotent on this API, so they are retried on any transport
  failure (connect errors, timeouts, dropped connections) and on 408, 429, 500, 502, 503, 504.
* POST creates an experiment *and* a feature flag; the API has no idempotency keys, so a POST
  that may have reached the server is never repeated. It is retried only when it provably was
  not handled: the connection was never made (``ConnectError``, ``ConnectTimeout``,
  ``PoolTimeout``) or PostHog answered 429, which its throttle check returns before the
  handler runs. A read timeout, a dropped connection or a 5xx after sending is raised at once.
* The wait is ``Retry-After`` when the response has one (seconds or an HTTP date), else the
  seconds in PostHog's 429 detail ("Expected available in N seconds."), else exponential
  backoff ``initial_backoff * 2**n`` capped at ``max_backoff``, minus up to ``jitter`` of itself
  at random. A server-requested wait is honoured as given, never shortened.
* ``max_total_wait`` caps the sum of waits (sleeps, not time spent in requests) for one call:
  if the next wait would exceed it, the last error is raised instead of sleeping (a 429 asking
  for 10 minutes fails fast). Time in requests is bounded by the timeout and ``max_retries``.
* ``max_retries=0`` turns all of it off.

httpx-retries was considered: it retries per method for every cause alike (so POST is either
always or never retried), ignores the 429 body, has no total-wait cap and sleeps with the real
clock; bending it to this policy would mean overriding most of it.
"""

from __future__ import annotations

import email.utils
import math
import re
import time

import attrs
import httpx

__all__ = ["RetryPolicy", "may_have_been_sent", "server_requested_wait"]

RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

# A POST failing with one of these never left this machine, so repeating it cannot duplicate.
_NOT_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Failures of the network or the peer; anything else (bad URL, local protocol misuse) is a bug.
_RETRYABLE_ERRORS = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
    httpx.ProxyError,
)
_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})
_THROTTLE_DETAIL = re.compile(r"Expected available in (\d+(?:\.\d+)?) seconds?")


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How many times to retry, which statuses, and the backoff; ``max_retries=0`` disables."""

    max_retries: int = attrs.field(default=2, validator=attrs.validators.ge(0))
    initial_backoff: float = attrs.field(default=0.5, validator=attrs.validators.ge(0))
    max_backoff: float = attrs.field(default=8.0, validator=attrs.validators.ge(0))
    jitter: float = attrs.field(
        default=0.25, validator=[attrs.validators.ge(0.0), attrs.validators.le(1.0)]
    )
    max_total_wait: float = attrs.field(default=60.0, validator=attrs.validators.ge(0))
    retry_statuses: frozenset[int] = attrs.field(default=RETRYABLE_STATUSES, converter=frozenset)

    def backoff(self, retry_number: int, rand: float) -> float:
        """Wait before retry ``retry_number`` (0-based) given a uniform ``rand`` in [0, 1)."""
        base = min(self.initial_backoff * 2.0**retry_number, self.max_backoff)
        return base * (1.0 - self.jitter * rand)

    def wait_after_error(
        self, method: str, error: Exception, retry_number: int, waited: float, rand: float
    ) -> float | None:
        """Seconds to wait before retrying after a transport error, or None to give up."""
        if retry_number >= self.max_retries or not isinstance(error, _RETRYABLE_ERRORS):
            return None
        if method not in _IDEMPOTENT_METHODS and not isinstance(error, _NOT_SENT_ERRORS):
            return None
        return self._within_budget(self.backoff(retry_number, rand), waited)

    def wait_after_response(
        self, method: str, response: httpx.Response, retry_number: int, waited: float, rand: float
    ) -> float | None:
        """Seconds to wait before retrying after an error status, or None to give up."""
        status = response.status_code
        if retry_number >= self.max_retries or status not in self.retry_statuses:
            return None
        if method not in _IDEMPOTENT_METHODS and status != 429:
            return None
        requested = server_requested_wait(response)
        wait = requested if requested is not None else self.backoff(retry_number, rand)
        return self._within_budget(wait, waited)

    def _within_budget(self, wait: float, waited: float) -> float | None:
        return wait if waited + wait <= self.max_total_wait else None


def may_have_been_sent(error: Exception) -> bool:
    """Whether a request that failed with ``error`` may have reached the server."""
    return not isinstance(error, _NOT_SENT_ERRORS)


def server_requested_wait(response: httpx.Response) -> float | None:
    """Seconds the server asked to wait: ``Retry-After``, else PostHog's 429 detail."""
    header = response.headers.get("retry-after")
    if header is not None:
        wait = _parse_retry_after(header.strip())
        if wait is not None:
            return wait
    if response.status_code != 429:
        return None
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        return None
    match = _THROTTLE_DETAIL.search(detail) if isinstance(detail, str) else None
    return float(match.group(1)) if match else None


def _parse_retry_after(value: str) -> float | None:
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
