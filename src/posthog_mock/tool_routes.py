"""Routes of the mock's test tools (stubs, seeding), beside the main route table."""

from __future__ import annotations

import re
from typing import Final

from posthog_mock import mock_endpoints
from posthog_mock.urls import Route

TOOL_ROUTES: Final = (
    Route(re.compile(r"/_mock/stubs/?"), mock_endpoints.stubs, b"GET, HEAD, POST, DELETE"),
    Route(re.compile(r"/_mock/stubs/(?P<stub_id>[0-9]+)/?"), mock_endpoints.stub, b"DELETE"),
    Route(re.compile(r"/_mock/seed/?"), mock_endpoints.seed, b"POST"),
)


def resolve_tool(path: str) -> tuple[Route, dict[str, str]] | None:
    """Find the tool route for `path` (`/_mock/stubs`, `/_mock/seed`), with its path parameters."""
    if not path.startswith(("/_mock/stubs", "/_mock/seed")):
        return None
    for route in TOOL_ROUTES:
        match = route.pattern.fullmatch(path)
        if match is not None:
            return route, match.groupdict()
    return None
