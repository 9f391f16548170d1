"""Known differences between the recorded server and current PostHog (reference §11).

Each is an explicit `Override` with its reason, written into the snapshot of every step it
concerns: never a silent skip. Steps may carry their own; the rules here add the general ones.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from parity.model import Override, Step

WWW_AUTHENTICATE: Final = (
    'Bearer resource_metadata="http://<host>/.well-known/oauth-protected-resource"'
)
NEWER_401_REASON: Final = (
    "§11 newer than the oracle: current PostHog sends WWW-Authenticate with its protected-resource "
    "metadata URL on every 401; the recorded server (August 2025) sent none"
)
NEWER_UNSUPPORTED_REASON: Final = (
    "§11 newer than the oracle: current PostHog's detail says 'personal API key access'; "
    "the recorded server said 'Personal API Key access'"
)
OLD_UNSUPPORTED: Final = "This action does not support Personal API Key access"
NEW_UNSUPPORTED: Final = "This action does not support personal API key access"

Rule = Callable[[Step, dict[str, Any]], list[Override]]


def _www_authenticate_on_401(_step: Step, response: dict[str, Any]) -> list[Override]:
    if response.get("status") != 401 or "www-authenticate" in response.get("headers", {}):
        return []
    return [Override("response.headers.www-authenticate", WWW_AUTHENTICATE, NEWER_401_REASON)]


def _unsupported_detail(_step: Step, response: dict[str, Any]) -> list[Override]:
    body = response.get("body")
    if not isinstance(body, dict) or body.get("detail") != OLD_UNSUPPORTED:
        return []
    return [Override("response.body.detail", NEW_UNSUPPORTED, NEWER_UNSUPPORTED_REASON)]


RULES: Final[tuple[Rule, ...]] = (_www_authenticate_on_401, _unsupported_detail)


def overrides_for(step: Step, response: dict[str, Any]) -> list[Override]:
    """Return the step's own overrides, then those the general rules find in its response."""
    found = list(step.overrides)
    for rule in RULES:
        found.extend(rule(step, response))
    return found
