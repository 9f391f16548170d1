"""The route table: path patterns to handlers, PostHog's API and the mock-only endpoints."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from posthog_mock import handlers, mock_endpoints
from posthog_mock.handlers import Handler


@dataclass(frozen=True)
class Route:
    """A compiled path pattern, its handler and the Allow header of its responses."""

    pattern: re.Pattern[str]
    handler: Handler
    allow: bytes | None = None


# PostHog's project segment is `[^/.]+`; the experiment segment takes anything but `/` (so
# `1.5` reaches the view and is "Not found."). The trailing slash is optional on every route.
ROUTES: Final = (
    Route(
        re.compile(r"/api/projects/(?P<project_id>[^/.]+)/web_experiments/?"),
        handlers.experiment_collection,
        handlers.COLLECTION_ALLOW_METHODS.encode(),
    ),
    Route(
        re.compile(
            r"/api/projects/(?P<project_id>[^/.]+)/web_experiments/(?P<experiment_id>[^/]+)/?"
        ),
        handlers.experiment_detail,
        handlers.DETAIL_ALLOW_METHODS.encode(),
    ),
    Route(re.compile(r"/_mock/health/?"), mock_endpoints.health, b"GET, HEAD"),
    Route(re.compile(r"/_mock/reset/?"), mock_endpoints.reset, b"POST"),
    Route(re.compile(r"/_mock/feature_flags/?"), mock_endpoints.feature_flags, b"GET, HEAD"),
    Route(re.compile(r"/_mock/config/?"), mock_endpoints.config, b"GET, HEAD"),
    Route(
        re.compile(r"/_mock/projects/(?P<project_id>[0-9]+)/web_experiments/?"),
        mock_endpoints.seed_experiment,
        b"POST",
    ),
)


def resolve(path: str) -> tuple[Route, dict[str, str]] | None:
    """Find the route whose pattern matches the whole path, with its path parameters."""
    for route in ROUTES:
        match = route.pattern.fullmatch(path)
        if match is not None:
            return route, match.groupdict()
    return None
