"""The ASGI application: lifespan, body limits, routing and the error envelope."""

from __future__ import annotations

import dataclasses
import logging
import re
import time
from collections.abc import Iterable
from email.utils import formatdate
from pathlib import Path
from typing import Final
from urllib.parse import unquote, urlsplit

from starlette.datastructures import Headers
from starlette.types import Receive, Scope, Send

from posthog_mock import connection, intercept
from posthog_mock.body import BodyStream
from posthog_mock.config import MockConfig
from posthog_mock.errors import (
    HTML_CONTENT_TYPE,
    WWW_AUTHENTICATE_TEMPLATE,
    APIError,
    ConnectionDropped,
    PageError,
    bad_request_page,
    endpoint_not_found,
    method_not_allowed,
    not_acceptable,
    not_found,
    parse_error,
    payload_too_large,
    posthog_server_error,
    server_error,
    server_error_page,
)
from posthog_mock.faults import FaultSet
from posthog_mock.handlers import metadata
from posthog_mock.journal import Journal
from posthog_mock.profiles import WWW_AUTHENTICATE_ON_401
from posthog_mock.request import BodyTooDeep, MockRequest
from posthog_mock.responses import Response, error_response
from posthog_mock.seeding import SeedError, seed_configured
from posthog_mock.state import MockState, ReproducedDefect
from posthog_mock.storage import ExperimentStore
from posthog_mock.throttling import RateLimiter
from posthog_mock.urls import resolve

logger = logging.getLogger("posthog_mock")

# PostHog's catch-all view for unknown paths under /api/ (`api_not_found`, a DRF `@api_view`
# of GET, HEAD, POST, PUT, PATCH and DELETE) has no authentication or permission: OPTIONS is
# its metadata, any other method a 405. Its `Allow` lists `set(methods) | {"options"}`, so the
# order is that of a Python set of strings: fixed for one PostHog process, another after a
# restart (hash randomisation). This is the recorded server's.
UNKNOWN_API_ROUTE_ALLOW: Final = b"HEAD, OPTIONS, PATCH, GET, DELETE, POST, PUT"
UNKNOWN_API_ROUTE_METHODS: Final = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"})
UNKNOWN_API_ROUTE_NAME: Final = "Api Not Found"
# The PostHog defect an Origin that django-cors-headers cannot parse reproduces.
UNPARSABLE_ORIGIN_DEFECT: Final = (
    "an Origin header Python's urlparse refuses (django-cors-headers raises; Django's 500 page)"
)
# The PostHog defect a dropped connection reproduces (handlers.sendable).
DROPPED_CONNECTION_DEFECT: Final = (
    "a stored value too deep for PostHog's renderer (its worker aborts; no answer)"
)
# django-cors-headers as PostHog configures it (CORS_ORIGIN_ALLOW_ALL, its header list).
CORS_ALLOW_HEADERS: Final = (
    b"accept, accept-encoding, authorization, content-type, dnt, origin, user-agent, "
    b"x-csrftoken, x-requested-with, traceparent, request-id, request-context, "
    b"x-amzn-trace-id, x-cloud-trace-context, Sentry-Trace, Baggage, x-highlight-request, "
    b"x-datadome-clientid, x-posthog-token, x-b3-sampled, x-b3-spanid, x-b3-traceid, "
    b"x-b3-parentspanid, b3"
)
CORS_ALLOW_METHODS: Final = b"DELETE, GET, OPTIONS, PATCH, POST, PUT"
CORS_MAX_AGE: Final = b"86400"
SESSION_COOKIE: Final = "sessionid"
NEVER_CACHE: Final = b"max-age=0, no-cache, no-store, must-revalidate, private"
_CORS_URLS: Final = re.compile(
    r"^(/site_app/|/array/|/static/|/api/(?!early_access_features|surveys|web_experiments).*$)"
)


class MockApp:
    """PostHog's web experiments API plus `/_mock/` endpoints, as one ASGI callable."""

    def __init__(self, config: MockConfig, db_path: str | Path) -> None:
        """Remember where the database lives; it is opened at lifespan startup."""
        self.config = config
        self.db_path = str(db_path)
        self.state: MockState | None = None

    def open(self) -> MockState:
        """Open the store (idempotent); lifespan startup and tests call this."""
        if self.state is None:
            store = ExperimentStore(self.db_path)
            try:
                seed_configured(self.config, store)
            except SeedError as exc:
                store.close()
                raise SeedError(exc.where, exc.reason) from None
            self.state = MockState(
                self.config,
                store,
                RateLimiter(enabled=self.config.rate_limit),
                faults=FaultSet(self.config.faults),
                journal=Journal(self.config.journal_size),
            )
        return self.state

    def close(self) -> None:
        """Close the store if it is open."""
        if self.state is not None:
            self.state.store.close()
            self.state = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection scope."""
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    self.open()
                except Exception as exc:
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = self.open()
        method: str = scope["method"]
        head = method == "HEAD"
        headers = Headers(raw=joined_headers(scope["headers"]))
        limit = state.config.max_body_bytes
        try:
            declared = int(headers.get("content-length", "0"))
        except ValueError:
            declared = 0
        stream = BodyStream(receive)
        body = None if declared > limit else await stream.read(limit)
        if body is None:
            # Like nginx: answer at once, read what the client is still sending, then close.
            too_large = error_response(payload_too_large(limit), ((b"connection", b"close"),))
            await too_large.send(send, head=head)
            await stream.discard()
            return
        request = MockRequest(
            method=method,
            path=scope["path"],
            query_string=scope.get("query_string", b""),
            headers=headers,
            body=body,
            scheme=scope.get("scheme", "http"),
            server=scope.get("server"),
            trust_forwarded_host=state.config.behind_proxy,
        )
        started = time.perf_counter()
        if state.stubs.rules:
            stubbed = state.stubs.pick(request)
            if stubbed is not None:
                await stubbed.send(send, head=head)
                state.journal.record(request, stubbed.status, started, "stub")
                return
        intercepted = bool(state.faults.rules)
        try:
            if intercepted:
                exchange = intercept.Exchange(scope, receive, send, head)
                await intercept.answer(state, request, self._dispatch, exchange)
                return
            response = await self._dispatch(state, request)
        except ConnectionDropped:
            # PostHog's worker aborted while rendering: the client gets no answer at all.
            _log_defect(state, request, 0, DROPPED_CONNECTION_DEFECT)
            connection.close_without_answer(scope)
            if not intercepted:  # the fault layer journals what it answered itself
                state.journal.record(request, None, started, None)
            return
        await response.send(send, head=head)
        state.journal.record(request, response.status, started, None)

    async def _dispatch(self, state: MockState, request: MockRequest) -> Response:
        api = request.path.startswith("/api/")
        if not api:
            return await self._route(state, request, api=False)
        cors = cors_applies(request.path)
        parses = origin_parses(request.headers.get("origin"))
        if cors and not parses:
            # django-cors-headers `urlparse`s the Origin in its `process_response`: Django's
            # 500 (PostHog's HTML page), without that middleware's `Vary` and the headers of
            # the middleware inside it, whatever the view answered.
            return _origin_failure(state, request)
        if (
            cors
            and request.method == "OPTIONS"
            and "access-control-request-method" in request.headers
        ):
            # A CORS preflight is answered by the middleware before any view runs.
            preflight = Response(200, content_type=b"text/html; charset=utf-8")
            return _with_django_headers(
                _with_cors(preflight, request, preflight=True), request, framed=False
            )
        if not request.host_is_valid:
            # Django's CommonMiddleware (inside the CORS middleware) raises `DisallowedHost`:
            # its 400 page, without the headers of the middleware further in.
            page = bad_request_page()
            response = Response(page.status, page.page, content_type=HTML_CONTENT_TYPE)
            if cors:
                response = _with_cors(response, request)
            return _with_django_headers(response, request, framed=False, cors=cors)
        if not cors and not parses and resolve(request.path) is None:
            # PostHog's `api_not_found` view fails on it as well (its authentication).
            return _origin_failure(state, request)
        if not cors:
            return _with_django_headers(
                await self._route(state, request, api=True), request, cors=False
            )
        # django-cors-headers adds the preflight headers to every OPTIONS answer with an Origin.
        response = await self._route(state, request, api=True)
        return _with_django_headers(
            _with_cors(response, request, preflight=request.method == "OPTIONS"), request
        )

    async def _route(self, state: MockState, request: MockRequest, *, api: bool) -> Response:
        resolved = resolve(request.path)
        if resolved is None:
            extra = ((b"allow", UNKNOWN_API_ROUTE_ALLOW),) if api else ()
            try:
                if api:
                    negotiate(request)
            except APIError as error:
                return error_response(error, extra)
            if api and request.method == "OPTIONS":
                return metadata(UNKNOWN_API_ROUTE_NAME, UNKNOWN_API_ROUTE_ALLOW.decode())
            if api and request.method not in UNKNOWN_API_ROUTE_METHODS:
                return error_response(method_not_allowed(request.method), extra)
            return error_response(endpoint_not_found(), extra)
        route, params = resolved
        extra = ((b"allow", route.allow),) if route.allow is not None else ()
        try:
            if api:
                negotiate(request, params.get("format"))
            return await route.handler(state, request, params)
        except APIError as error:
            extra = (*extra, *error.headers)
            if error.status == 401 and state.config.profile.has(WWW_AUTHENTICATE_ON_401):
                extra = (*extra, (b"www-authenticate", _www_authenticate(request)))
            if error.status >= 500:  # only `posthog_server_error` raises a 5xx envelope
                _log_defect(state, request, error.status, error.defect or error.detail)
            return error_response(error, extra)
        except PageError as page:
            # Django's or PostHog's own page: no DRF view answered, so no `Allow` either.
            if page.status >= 500:
                _log_defect(state, request, page.status, page.defect or "")
            if page.status == 400:  # Django's own 400 page reads the session (`Vary` recorded)
                request.session_accessed = True
            return Response(page.status, page.page, content_type=HTML_CONTENT_TYPE)
        except (BodyTooDeep, RecursionError):
            too_deep = posthog_server_error(
                parse_error(BodyTooDeep.detail), strict=state.config.strict
            )
            if too_deep.status >= 500:
                _log_defect(state, request, too_deep.status, too_deep.defect or "")
            return error_response(too_deep, extra)
        except ConnectionDropped:
            raise
        except Exception:
            logger.exception("unhandled error on %s %s", request.method, request.path)
            return error_response(server_error(), extra)


# What gunicorn (PostHog's WSGI server) keeps of a header sent twice: the last value.
_LAST_VALUE_WINS: Final = frozenset({b"content-type", b"content-length"})


def joined_headers(raw: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """Request headers as gunicorn hands them to Django: a name sent twice is one value.

    gunicorn joins the values of a repeated header with `,` (no space) in the order sent,
    except `Content-Type` and `Content-Length`, where the last one wins; names are compared
    without case.
    """
    merged: dict[bytes, bytes] = {}
    for name, value in raw:
        key = name.lower()
        if key in merged and key not in _LAST_VALUE_WINS:
            merged[key] = merged[key] + b"," + value
        else:
            merged[key] = value
    return list(merged.items())


def negotiate(request: MockRequest, suffix: str | None = None) -> None:
    """DRF's content negotiation, the first check of every view (§9 order, recorded).

    A format other than `json`, from the URL's `.<format>` suffix or else `?format=` (the last
    value counts, case-sensitive), is 404 `Not found.`; an `Accept` header JSON cannot satisfy
    is 406.
    """
    requested = suffix or request.query_params.get("format")
    if requested and requested != "json":
        raise not_found()
    if not accepts_json(request.headers.get("accept")):
        raise not_acceptable()


def accepts_json(accept: str | None) -> bool:
    """DRF's content negotiation with one JSON renderer: 406 unless a range matches JSON.

    Precedence and `q` values do not matter with a single renderer; a missing header is `*/*`.
    """
    if accept is None:
        return True
    for media_range in accept.split(","):
        main, _, sub = media_range.split(";", 1)[0].strip().lower().partition("/")
        if main == "*" or (main == "application" and sub.strip() in ("*", "json")):
            return True
    return False


def cors_applies(path: str) -> bool:
    """Whether django-cors-headers handles `path`: PostHog's `CORS_URLS_REGEX`, with `re.match`.

    A decoded path with a line break inside (`/api/projects/5%0A/...`) does not match, so such
    answers carry no CORS headers and no `Vary: Origin`.
    """
    return _CORS_URLS.match(unquote(path)) is not None


def _with_django_headers(
    response: Response, request: MockRequest, *, framed: bool = True, cors: bool = True
) -> Response:
    """Add what PostHog's Django middleware adds to every API answer (recorded on 2025-08).

    `Vary` names `Cookie` once the session was read: a request whose cookies (as Django's
    `parse_cookie` splits them, on `;` only) name Django's session cookie, or a write
    that got past validation; Django's own 400 page sets it after `Origin`. The clickjacking
    header is missing only on CORS preflights (answered before that middleware runs), `nosniff`
    only on answers without a body type (204); `Origin` only where CORS does not apply.
    """
    cookie = request.session_accessed or has_session_cookie(request.headers.get("cookie"))
    vary: bytes | None
    if not cors:
        vary = b"Cookie" if cookie else None
    elif not cookie:
        vary = b"Origin"
    elif response.status == 400 and _is_html(response):
        vary = b"Origin, Cookie"
    else:
        vary = b"Cookie, Origin"
    headers = [] if vary is None else [(b"vary", vary)]
    if framed:
        headers.append((b"x-frame-options", b"SAMEORIGIN"))
    if response.content_type is not None:
        headers.append((b"x-content-type-options", b"nosniff"))
    headers += [
        (b"referrer-policy", b"same-origin"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]
    if framed and request.path.endswith("csv"):
        # PostHog's `CsvNeverCacheMiddleware` (inside the CORS middleware, so not on
        # preflights): Django's `add_never_cache_headers` on every path ending in `csv`.
        headers += [
            (b"expires", formatdate(time.time(), usegmt=True).encode()),
            (b"cache-control", NEVER_CACHE),
        ]
    return dataclasses.replace(response, headers=(*response.headers, *headers))


def has_session_cookie(header: str | None) -> bool:
    """Whether a `Cookie` header names `sessionid` for Django's `parse_cookie` (split on `;`).

    Recorded: `a=1` or `a=1, sessionid=x` (two headers joined) leave the session unread, while
    `sessionid=` or `sessionid=x, a=1` read it (`Vary: Cookie`).
    """
    if header is None:
        return False
    for chunk in header.split(";"):
        name, sep, _ = chunk.partition("=")
        if sep and name.strip() == SESSION_COOKIE:
            return True
    return False


def _is_html(response: Response) -> bool:
    return response.content_type is not None and response.content_type.startswith(b"text/html")


def _origin_failure(state: MockState, request: MockRequest) -> Response:
    _log_defect(state, request, 500, UNPARSABLE_ORIGIN_DEFECT)
    page = server_error_page()
    failed = Response(page.status, page.page, content_type=HTML_CONTENT_TYPE)
    return _with_django_headers(failed, request, framed=False, cors=False)


def origin_parses(origin: str | None) -> bool:
    """Whether Python's `urlparse` takes the `Origin` (`http://[` and `https://]` raise)."""
    if not origin:
        return True
    try:
        urlsplit(origin)
    except ValueError:
        return False
    return True


def _with_cors(response: Response, request: MockRequest, *, preflight: bool = False) -> Response:
    if not request.headers.get("origin"):
        # django-cors-headers: `if not origin: return response` (an empty `Origin` too).
        return response
    headers = [(b"access-control-allow-origin", b"*")]
    if preflight:
        headers += [
            (b"access-control-allow-headers", CORS_ALLOW_HEADERS),
            (b"access-control-allow-methods", CORS_ALLOW_METHODS),
            (b"access-control-max-age", CORS_MAX_AGE),
        ]
    return dataclasses.replace(response, headers=(*response.headers, *headers))


def _log_defect(state: MockState, request: MockRequest, status: int, defect: str) -> None:
    path = request.path
    if request.query_string:
        path += "?" + request.query_string.decode("latin-1")
    state.defects.append(ReproducedDefect(request.method, path, status, defect))


def _www_authenticate(request: MockRequest) -> bytes:
    # Pinned to the site URL as PostHog pins it to SITE_URL: Host and X-Forwarded-* never steer it.
    return WWW_AUTHENTICATE_TEMPLATE.format(base=request.site_url).encode("latin-1", "replace")
