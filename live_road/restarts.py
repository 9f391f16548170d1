"""A server that dropped a connection or is restarting: how to tell, how long to wait."""

from __future__ import annotations

import http.client
import time
from typing import Final
from urllib.parse import urlsplit

import requests

RESTART_WAIT_SECONDS: Final = 2.0
RESTART_TIMEOUT_SECONDS: Final = 120.0
GATEWAY_ERRORS: Final = (502, 503)


def caused_by(error: BaseException, *kinds: type[BaseException]) -> bool:
    """Whether `error`, its arguments or its context chain hold an exception of `kinds`."""
    seen: list[BaseException] = [error]
    while seen:
        cause = seen.pop()
        if isinstance(cause, kinds):
            return True
        seen.extend(arg for arg in cause.args if isinstance(arg, BaseException))
        if cause.__context__ is not None:
            seen.append(cause.__context__)
    return False


def closed_without_answer(error: BaseException) -> bool:
    """Whether a request got no answer: the connection closed, or no answer came in time."""
    return isinstance(error, requests.ReadTimeout) or caused_by(
        error, http.client.RemoteDisconnected, ConnectionResetError
    )


def refused(error: BaseException) -> bool:
    """Whether the server refused the connection (nothing listening: restarting)."""
    return caused_by(error, ConnectionRefusedError)


def wait_until_up(
    url: str,
    *,
    timeout: float = RESTART_TIMEOUT_SECONDS,
    interval: float = RESTART_WAIT_SECONDS,
) -> None:
    """Poll the server's `/_health` until it answers anything but a gateway error, or timeout.

    A PostHog worker that aborts is restarted by its master; a request sent meanwhile would
    record the restart, not the server's rule.
    """
    parts = urlsplit(url)
    probe = f"{parts.scheme}://{parts.netloc}/_health"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(probe, timeout=10).status_code not in GATEWAY_ERRORS:
                return
        except requests.RequestException:
            pass
        time.sleep(interval)
