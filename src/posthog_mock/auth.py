"""Authentication, project resolution and permissions in PostHog's order (reference §9)."""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import urlsplit

from posthog_mock.config import KeyConfig, MockConfig
from posthog_mock.errors import (
    NO_TEMPORARY_TOKEN,
    authentication_failed,
    authentication_failed_detail,
    method_not_allowed,
    not_authenticated,
    not_found,
    permission_denied,
    posthog_server_error,
    validation_error,
)
from posthog_mock.profiles import PERSONAL_API_KEY_WORDING
from posthog_mock.request import MockRequest
from posthog_mock.throttling import RateLimiter

_BEARER: Final = re.compile(r"^Bearer\s+(\S.+)$")
_MAX_PROJECT_ID: Final = 2**63 - 1
KEY_FIELD: Final = "personal_api_key"


class KeyLookupFailed(Exception):
    """PostHog's key lookup raised on a credential of the wrong type: its 500 (strict: a 400)."""

    def __init__(self, detail: str) -> None:
        """Say what was wrong, for the strict mode's 400."""
        super().__init__(detail)
        self.detail = detail


def find_key(request: MockRequest) -> tuple[object, str] | None:
    """Find the personal API key and its source: header, then body, then query string.

    PostHog reads the body with `if data and "personal_api_key" in data: data[...]`: a JSON
    body that is truthy but no object is looked into too. An array holding the string
    `personal_api_key`, a string containing it, or a number or `true` (where `in` itself
    fails) raise there: PostHog's 500 (`KeyLookupFailed`).
    """
    header = request.headers.get("authorization")
    if header is not None:
        match = _BEARER.match(header)
        if match is not None:
            return match.group(1).strip(), "Authorization header"
    data = request.parsed_body().data
    if (data and not isinstance(data, dict)) and (
        not isinstance(data, list | str) or KEY_FIELD in data
    ):
        raise KeyLookupFailed("The request body must be a JSON object to carry a personal API key.")
    if isinstance(data, dict) and KEY_FIELD in data:
        return data[KEY_FIELD], "body"
    if "personal_api_key" in request.query_params:
        return request.query_params["personal_api_key"], "query string"
    return None


def _hashable(value: object) -> bool:
    r"""Whether PostHog's `hash_key_value` can hash the value: a string UTF-8 can encode.

    A number, `null`, a boolean, an array, an object or a string with a lone surrogate
    (JSON `\ud800`) raise in `value.encode()`: PostHog's 500.
    """
    if not isinstance(value, str):
        return False
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def check_temporary_token(request: MockRequest) -> None:
    """PostHog's first authenticator: a foreign `Origin` needs a `temporary_token` (401).

    The mock knows no user tokens, so any `temporary_token` is one of no user.
    """
    origin = request.headers.get("origin")
    token = request.query_params.get("temporary_token")
    if origin and not token and urlsplit(origin).netloc not in urlsplit(request.base_url).netloc:
        raise authentication_failed_detail(NO_TEMPORARY_TOKEN)
    if token:
        raise authentication_failed_detail("User doesn't exist")


def authenticate(config: MockConfig, request: MockRequest) -> KeyConfig:
    """Return the configured key the request carries, or raise 401."""
    check_temporary_token(request)
    try:
        found = find_key(request)
        if found is not None and not _hashable(found[0]):
            raise KeyLookupFailed(f"The {found[1]}'s personal_api_key must be a UTF-8 string.")
    except KeyLookupFailed as failed:
        clear = validation_error(failed.detail, attr=KEY_FIELD)
        raise posthog_server_error(clear, strict=config.strict) from None
    if found is None:
        raise not_authenticated()
    value, source = found
    # PostHog hashes whatever it found (`value.encode()`): what it cannot hash raised above.
    key = config.key(str(value))
    if key is None:
        raise authentication_failed(source)
    return key


def parse_project_id(segment: str) -> int | None:
    """Read a project segment as PostHog does, with Python's `int()` (None: no project).

    `int()` takes surrounding whitespace, a sign, leading zeros, underscores between digits
    and the decimal digits of every script (fullwidth, Arabic-Indic, ...): a tab or space
    before 4, a newline after it, `+4`, `04` and `0_4` are all project 4.
    """
    try:
        value = int(segment)
    except ValueError:
        return None
    return value if value <= _MAX_PROJECT_ID else None


def resolve_project(config: MockConfig, key: KeyConfig, project_id: str) -> int:
    """Resolve `project_id` (or `@current`) to a configured project, or raise 404."""
    if project_id == "@current":
        resolved = key.current_project
    else:
        parsed = parse_project_id(project_id)
        if parsed is None:
            raise not_found("Project not found.")
        resolved = parsed
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
    """Run every check before the handler, in PostHog's order; return the project id.

    `scope` None means the method is not an action of the route: 403 for scoped keys before
    anything else is looked at, DRF's 405 after every check for legacy keys (§9, §11).
    The body is parsed right after authentication, so a malformed body beats every 403/404.
    """
    key = authenticate(config, request)
    if scope is None and not key.is_legacy:
        wording = (
            "personal API key"
            if config.profile.has(PERSONAL_API_KEY_WORDING)
            else ("Personal API Key")
        )
        raise permission_denied(f"This action does not support {wording} access")
    request.parsed_body()
    project = resolve_project(config, key, project_id)
    if not key.allows_project(project):
        raise permission_denied(
            f"API key does not have access to the requested project: ID {project}."
        )
    if scope is not None and not key.has_scope(scope):
        raise permission_denied(f"API key missing required scope '{scope}'")
    project_config = config.project(project)
    if project_config is not None and not project_config.accessible:
        raise permission_denied("You don't have access to the project.")
    limiter.check(key.value)
    if scope is None:
        raise method_not_allowed(request.method)
    return project
