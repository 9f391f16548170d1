"""The route table: path patterns to handlers, PostHog's API and the mock-only endpoints."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from posthog_mock import feature_flags_api, handlers, mock_endpoints
from posthog_mock.handlers import Handler


@dataclass(frozen=True)
class Route:
    """A compiled path pattern, its handler and the Allow header of its responses."""

    pattern: re.Pattern[str]
    handler: Handler
    allow: bytes | None = None


# PostHog's project and experiment segments are `[^/.]+`; the trailing slash is optional on
# every route. DRF's format suffixes: `web_experiments.<format>` and `<id>.<format>` with a
# lowercase `[a-z0-9]+` format are the same views, and any format but `json` is "Not found."
# before authentication (`1.5` is id 1 in format 5); other dotted paths match no route. DRF
# builds each suffix route from PostHog's `.../?$` by stripping `$` (the `/?` stays), so a slash
# may come before the dot too: `web_experiments/.json` is the list, `<id>/.json/` the detail.
ROUTES: Final = (
    Route(
        re.compile(
            r"/api/projects/(?P<project_id>[^/.]+)/web_experiments/?\.(?P<format>[a-z0-9]+)/?"
        ),
        handlers.experiment_collection,
        handlers.COLLECTION_ALLOW_METHODS.encode(),
    ),
    Route(
        re.compile(
            r"/api/projects/(?P<project_id>[^/.]+)/web_experiments/"
            r"(?P<experiment_id>[^/.]+)/?\.(?P<format>[a-z0-9]+)/?"
        ),
        handlers.experiment_detail,
        handlers.DETAIL_ALLOW_METHODS.encode(),
    ),
    Route(
        re.compile(r"/api/projects/(?P<project_id>[^/.]+)/web_experiments/?"),
        handlers.experiment_collection,
        handlers.COLLECTION_ALLOW_METHODS.encode(),
    ),
    Route(
        re.compile(
            r"/api/projects/(?P<project_id>[^/.]+)/web_experiments/(?P<experiment_id>[^/.]+)/?"
        ),
        handlers.experiment_detail,
        handlers.DETAIL_ALLOW_METHODS.encode(),
    ),
    Route(
        re.compile(
            r"/api/projects/(?P<project_id>[^/.]+)/feature_flags(?:/(?P<flag_id>[^/.]+))?/?"
        ),
        feature_flags_api.feature_flags,
    ),
    Route(re.compile(r"/_mock/health/?"), mock_endpoints.health, b"GET, HEAD"),
    Route(re.compile(r"/_mock/reset/?"), mock_endpoints.reset, b"POST"),
    Route(re.compile(r"/_mock/feature_flags/?"), mock_endpoints.feature_flags, b"GET, HEAD"),
    Route(re.compile(r"/_mock/config/?"), mock_endpoints.config, b"GET, HEAD"),
    Route(re.compile(r"/_mock/posthog_defects/?"), mock_endpoints.posthog_defects, b"GET, HEAD"),
    Route(re.compile(r"/_mock/faults/?"), mock_endpoints.faults, b"GET, HEAD, POST, DELETE"),
    Route(re.compile(r"/_mock/faults/(?P<fault_id>[0-9]+)/?"), mock_endpoints.fault, b"DELETE"),
    Route(re.compile(r"/_mock/requests/?"), mock_endpoints.requests, b"GET, HEAD, DELETE"),
    Route(re.compile(r"/_mock/stubs/?"), mock_endpoints.stubs, b"GET, HEAD, POST, DELETE"),
    Route(re.compile(r"/_mock/stubs/(?P<stub_id>[0-9]+)/?"), mock_endpoints.stub, b"DELETE"),
    Route(re.compile(r"/_mock/seed/?"), mock_endpoints.seed, b"POST"),
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
