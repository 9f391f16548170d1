"""PostHog's error envelope and the exceptions handlers raise to produce it."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Final

WWW_AUTHENTICATE_TEMPLATE: Final = (
    'Bearer resource_metadata="{base}/.well-known/oauth-protected-resource"'
)


class APIError(Exception):
    """An error answered with PostHog's `{"type", "code", "detail", "attr"}` envelope."""

    def __init__(
        self,
        status: int,
        type_: str,
        code: str,
        detail: str,
        attr: str | None = None,
        *,
        headers: tuple[tuple[bytes, bytes], ...] = (),
        defect: str | None = None,
    ) -> None:
        """Keep the envelope fields, the HTTP status and any extra response headers.

        `defect` names the PostHog defect a 5xx reproduces (listed at /_mock/posthog_defects).
        """
        super().__init__(detail)
        self.status = status
        self.type = type_
        self.code = code
        self.detail = detail
        self.attr = attr
        self.headers = headers
        self.defect = defect

    def body(self) -> bytes:
        """Render the envelope as compact JSON, keys in PostHog's order."""
        return render_error(self.type, self.code, self.detail, self.attr)


def render_error(type_: str, code: str, detail: str, attr: str | None) -> bytes:
    """Render one error envelope."""
    payload = {"type": type_, "code": code, "detail": detail, "attr": attr}
    try:
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    except UnicodeEncodeError:
        # A detail quoting a lone surrogate (e.g. a variant name) cannot be UTF-8: escape it.
        return json.dumps(payload, separators=(",", ":")).encode()


def validation_error(
    detail: str, *, code: str = "invalid_input", attr: str | None = None
) -> APIError:
    """Build a 400 `validation_error`: a field error or a rule error."""
    return APIError(400, "validation_error", code, detail, attr)


def parse_error(detail: str) -> APIError:
    """Build a 400 `parse_error` for a body that cannot be decoded."""
    return APIError(400, "invalid_request", "parse_error", detail)


def not_authenticated() -> APIError:
    """401: no credentials in the request."""
    return APIError(
        401,
        "authentication_error",
        "not_authenticated",
        "Authentication credentials were not provided.",
    )


def authentication_failed(source: str) -> APIError:
    """401: a personal API key the server does not know, found in `source`."""
    return APIError(
        401,
        "authentication_error",
        "authentication_failed",
        f"Personal API key found in request {source} is invalid.",
    )


NO_TEMPORARY_TOKEN: Final = (
    "No temporary_token set."  # noqa: S105 - an error message, not a secret
    " That means you're either trying to access this API from a different "
    "site, or it means your proxy isn't sending the correct headers. See "
    "https://posthog.com/docs/deployment/running-behind-proxy for more information."
)


def authentication_failed_detail(detail: str) -> APIError:
    """401 `authentication_failed` with a detail of its own (temporary token checks, §9)."""
    return APIError(401, "authentication_error", "authentication_failed", detail)


def not_acceptable() -> APIError:
    """406: no renderer satisfies the `Accept` header (DRF content negotiation)."""
    return APIError(
        406, "invalid_request", "not_acceptable", "Could not satisfy the request Accept header."
    )


def permission_denied(detail: str) -> APIError:
    """403 `permission_denied` with the given detail."""
    return APIError(403, "authentication_error", "permission_denied", detail)


def not_found(detail: str = "Not found.") -> APIError:
    """404 for an unknown object or project."""
    return APIError(404, "invalid_request", "not_found", detail)


def endpoint_not_found() -> APIError:
    """404 for a path no route matches."""
    return not_found("Endpoint not found.")


def method_not_allowed(method: str) -> APIError:
    """405 for a method a mock-only route does not serve."""
    return APIError(405, "invalid_request", "method_not_allowed", f'Method "{method}" not allowed.')


def payload_too_large(limit: int) -> APIError:
    """413 for a body over the configured `max_body_bytes`."""
    return APIError(
        413, "invalid_request", "payload_too_large", f"Request body exceeded {limit} bytes."
    )


def unsupported_media_type(content_type: str) -> APIError:
    """415 for a body that is neither JSON, form-encoded nor multipart."""
    return APIError(
        415,
        "invalid_request",
        "unsupported_media_type",
        f'Unsupported media type "{content_type}" in request.',
    )


def throttled(wait_seconds: int | None) -> APIError:
    """429 in DRF's wording, the wait in the detail and in `Retry-After` (as PostHog sends it)."""
    detail = "Request was throttled."
    headers: tuple[tuple[bytes, bytes], ...] = ()
    if wait_seconds is not None:
        unit = "second" if wait_seconds == 1 else "seconds"
        detail = f"{detail} Expected available in {wait_seconds} {unit}."
        headers = ((b"retry-after", str(wait_seconds).encode()),)
    return APIError(429, "throttled_error", "throttled", detail, headers=headers)


def server_error() -> APIError:
    """500 in the envelope of PostHog's exception handler (an exception inside a DRF view)."""
    return APIError(500, "server_error", "error", "A server error occurred.")


def posthog_server_error(clear: APIError, *, strict: bool) -> APIError:
    """Where PostHog answers 500 to input it mishandles: that 500, or in strict mode `clear`."""
    if strict:
        return clear
    error = server_error()
    error.defect = clear.detail
    return error


HTML_CONTENT_TYPE: Final = b"text/html; charset=utf-8"
_PAGES: Final = files("posthog_mock") / "pages"
# PostHog's own error page, sent when the exception escapes DRF (e.g. its JSON renderer fails).
SERVER_ERROR_PAGE: Final = (_PAGES / "server_error.html").read_bytes()
# Django's `Bad Request (400)` page, sent before any view runs.
BAD_REQUEST_PAGE: Final = (_PAGES / "bad_request.html").read_bytes()


class PageError(Exception):
    """An error PostHog answers with an HTML page instead of its JSON envelope."""

    def __init__(self, status: int, page: bytes, *, defect: str | None = None) -> None:
        """Keep the status, the page's bytes and the PostHog defect a 5xx page reproduces."""
        super().__init__(f"HTTP {status} page")
        self.status = status
        self.page = page
        self.defect = defect


def server_error_page() -> PageError:
    """500 with PostHog's HTML page: what a response that cannot be rendered gets."""
    return PageError(
        500, SERVER_ERROR_PAGE, defect="a stored value PostHog cannot render (its HTML 500 page)"
    )


def bad_request_page() -> PageError:
    """400 with Django's HTML page (e.g. a multipart body without a boundary)."""
    return PageError(400, BAD_REQUEST_PAGE)


class ConnectionDropped(Exception):
    """PostHog's worker dies while rendering the answer: the connection closes unanswered."""
