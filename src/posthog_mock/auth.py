"""Authentication, project resolution and permissions in PostHog's order (reference §9)."""

from __future__ import annotations

import re
from typing import Final

from posthog_mock.config import KeyConfig, MockConfig
from posthog_mock.errors import (
    authentication_failed,
    not_authenticated,
    not_found,
    permission_denied,
)
from posthog_mock.request import MockRequest
from posthog_mock.throttling import RateLimiter

_BEARER: Final = re.compile(r"^Bearer\s+(\S.+)$")
_PROJECT_ID: Final = re.compile(r"[0-9]+")
_MAX_PROJECT_ID: Final = 2**63 - 1
_MAX_PROJECT_ID_DIGITS: Final = 19


def find_key(request: MockRequest) -> tuple[object, str] | None:
    """Find the personal API key and its source: header, then body, then query string."""
    header = request.headers.get("authorization")
    if header is not None:
        match = _BEARER.match(header)
        if match is not None:
            return match.group(1).strip(), "Authorization header"
    data = request.parsed_body().data
    if isinstance(data, dict) and "personal_api_key" in data:
        return data["personal_api_key"], "body"
    if "personal_api_key" in request.query_params:
        return request.query_params["personal_api_key"], "query string"
    return None


def authenticate(config: MockConfig, request: MockRequest) -> KeyConfig:
    """Return the configured key the request carries, or raise 401."""
    found = find_key(request)
    if found is None:
        raise not_authenticated()
    value, source = found
    key = config.key(value) if isinstance(value, str) else None
    if key is None:
        raise authentication_failed(source)
    return key


def resolve_project(config: MockConfig, key: KeyConfig, project_id: str) -> int:
    """Resolve `project_id` (or `@current`) to a configured project, or raise 404."""
    if project_id == "@current":
        resolved = key.current_project
    elif (
        len(project_id) <= _MAX_PROJECT_ID_DIGITS
        and _PROJECT_ID.fullmatch(project_id)
        and int(project_id) <= _MAX_PROJECT_ID
    ):
        resolved = int(project_id)
    else:
        raise not_found("Project not found.")
    if config.project(resolved) is None:
        raise not_found("Project not found.")
    return resolved


def authorize(
    config: MockConfig,
    limiter: RateLimiter,
    request: MockRequest,
    project_id: str,
    scope: str | None,
) -> int:
    """Run every check before the handler; return the project id. `scope` None: unsupported."""
    key = authenticate(config, request)
    project = resolve_project(config, key, project_id)
    if not key.allows_project(project):
        raise permission_denied(
            f"API key does not have access to the requested project: ID {project}."
        )
    if scope is None:
        raise permission_denied("This action does not support personal API key access")
    if not key.has_scope(scope):
        raise permission_denied(f"API key missing required scope '{scope}'")
    project_config = config.project(project)
    if project_config is not None and not project_config.accessible:
        raise permission_denied("You don't have access to the project.")
    limiter.check(key.value)
    return project
