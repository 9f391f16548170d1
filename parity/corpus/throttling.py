"""Throttling on a server with rate limits on: 480 requests a minute per key (reference §10)."""

from __future__ import annotations

from parity.corpus._helpers import Area, P, get
from parity.model import Step

AREA = "throttling"
scenario = Area(AREA)

SCENARIOS = (
    scenario(
        "throttle_burst_limit",
        "the 481st request within a minute: 429 with the wait in the detail only",
        Step("GET", P, key="throttle", repeat=480, rule="480 requests pass"),
        get(P, key="throttle", rule="481st: 429"),
        get(P + "1/", key="throttle", rule="every route counts"),
        get(P, key="all", rule="other keys are not throttled"),
        get(P, key="unknown", rule="unknown keys: 401, never 429"),
        server="throttled",
    ),
)
