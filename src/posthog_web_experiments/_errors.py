"""Exceptions raised by the SDK, one class per kind of failure a caller handles differently."""

from __future__ import annotations

import httpx
from posthog_web_experiments_client.models import Error

from ._retries import server_requested_wait

__all__ = [
    "CREATE_MAY_HAVE_ARRIVED",
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "ConfigurationError",
    "NotFoundError",
    "PermissionDeniedError",
    "PostHogError",
    "RateLimitError",
    "ServerError",
    "UnexpectedResponseError",
    "ValidationError",
    "error_from_response",
]

_BODY_EXCERPT = 500
# Said on a create that failed after the request may have reached PostHog.
CREATE_MAY_HAVE_ARRIVED = (
    "the create may have reached PostHog: list experiments before repeating it"
)


class PostHogError(Exception):
    """Base class of every exception this SDK raises."""


class ConfigurationError(PostHogError):
    """The client cannot be built: a missing API key or a malformed host."""


class APIConnectionError(PostHogError):
    """No HTTP response was received (after any retries): DNS, refused, reset, or timeout."""

    def __init__(self, message: str, *, method: str, url: str) -> None:
        super().__init__(message)
        self.method = method
        self.url = url

    def __str__(self) -> str:
        """Say what failed and on which request."""
        return f"{self.args[0]} [{self.method} {self.url}]"


class APITimeoutError(APIConnectionError):
    """The request did not complete within its timeout (after any retries)."""


class APIError(PostHogError):
    """PostHog answered with an error status; carries its error body and the raw response."""

    def __init__(
        self,
        response: httpx.Response,
        error: Error | None,
        message: str,
        *,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        request = response.request
        self.hint = hint
        self.response = response
        self.error = error
        self.status_code = response.status_code
        self.method = request.method
        self.url = str(request.url)
        self.type: str | None = error.type_.value if error is not None else None
        self.code: str | None = error.code if error is not None else None
        self.detail: str = error.detail if error is not None else message
        self.attr: str | None = error.attr if error is not None else None

    def __str__(self) -> str:
        """Read like ``404 invalid_request/not_found: Not found. [GET https://…/7/]``."""
        kind = f" {self.type}/{self.code}" if self.type is not None else ""
        field = f" (attr {self.attr!r})" if self.attr is not None else ""
        hint = f" ({self.hint})" if self.hint is not None else ""
        return f"{self.status_code}{kind}{field}: {self.detail}{hint} [{self.method} {self.url}]"


class ValidationError(APIError):
    """400: the request was malformed or broke a validation rule; see ``attr`` and ``detail``."""


class AuthenticationError(APIError):
    """401: no API key was sent, or PostHog does not know it."""


class PermissionDeniedError(APIError):
    """403: the key lacks a scope or access to the project."""


class NotFoundError(APIError):
    """404: no such experiment, or no such project."""


class RateLimitError(APIError):
    """429: throttled; ``retry_after`` is the wait PostHog asked for, in seconds, if it said."""

    @property
    def retry_after(self) -> float | None:
        """Seconds PostHog asked to wait (``Retry-After``, else its 429 detail), or None."""
        return server_requested_wait(self.response)


class ServerError(APIError):
    """5xx: PostHog (or a proxy in front of it) failed."""


class UnexpectedResponseError(APIError):
    """A status or body the contract does not describe, e.g. a success body that does not parse."""


_BY_STATUS: dict[int, type[APIError]] = {
    400: ValidationError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
}


def _parse_error_body(response: httpx.Response) -> Error | None:
    """Read PostHog's ``{type, code, detail, attr}`` body, or None when it is something else."""
    try:
        return Error.from_dict(response.json())
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def error_from_response(response: httpx.Response) -> APIError:
    """Build the exception matching an error response's status."""
    error = _parse_error_body(response)
    status = response.status_code
    if status >= 500:
        cls: type[APIError] = ServerError
    elif status >= 400:
        cls = _BY_STATUS.get(status, APIError)
    else:
        cls = UnexpectedResponseError
    if error is not None:
        message = error.detail
    else:
        excerpt = response.text[:_BODY_EXCERPT].strip()
        message = f"HTTP {status} {response.reason_phrase}" + (f": {excerpt}" if excerpt else "")
    # A 5xx does not say whether the create ran before the failure.
    hint = CREATE_MAY_HAVE_ARRIVED if status >= 500 and response.request.method == "POST" else None
    return cls(response, error, message, hint=hint)


def unexpected_response(response: httpx.Response, reason: str) -> UnexpectedResponseError:
    """Build the exception for a response the SDK cannot turn into the documented model."""
    return UnexpectedResponseError(response, None, reason)
