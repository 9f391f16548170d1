"""What the sync and async clients share: settings, request building, decoding, logging.

The clients themselves are written once, as async code in ``_async/``; ``_sync/`` is derived
from it by ``scripts/derive_sync.py`` (``make sync-client``), and ``make lint`` fails when the two
differ. Each call takes the request (method, path, query, body) from the generated module's
``_get_kwargs`` and turns a success into the attrs model with its ``_parse_response``; the
sending in between is done here, because the generated ``sync_detailed`` has no per-call
timeout, no retry hook, and returns documented errors as values without the httpx response.
Both helpers come from openapi-python-client's templates; the generator version is pinned and
the drift check regenerates them, so a template change shows up as a diff in ``generated/``.
"""

from __future__ import annotations

import copy
import platform
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Self, TypeVar, cast

import attrs
import httpx
from posthog_web_experiments_client.client import AuthenticatedClient
from posthog_web_experiments_client.models import (
    PaginatedWebExperimentList,
    WebExperimentCreate,
    WebExperimentPartialUpdate,
    WebExperimentUpdate,
)

from ._config import Settings, coerce_timeout, resolve_settings
from ._errors import (
    CREATE_MAY_HAVE_ARRIVED,
    APIConnectionError,
    APITimeoutError,
    error_from_response,
    unexpected_response,
)
from ._logging import enable_debug_logging_from_env, logger
from ._response import RawResponse, RetryEvent, RetryHook
from ._retries import RetryPolicy, may_have_been_sent
from ._strict import check_strict
from ._version import __version__

USER_AGENT = (
    f"posthog-web-experiments-python/{__version__} "
    f"httpx/{httpx.__version__} python/{platform.python_version()}"
)

_Model = TypeVar("_Model")
_Body = TypeVar("_Body", WebExperimentCreate, WebExperimentUpdate, WebExperimentPartialUpdate)
Timeout = float | httpx.Timeout
# Callables whose async and sync forms differ only by the awaitable (unasync renames these).
Sleep = Callable[[float], None]
AsyncSleep = Callable[[float], Awaitable[None]]
PageFetcher = Callable[[int], PaginatedWebExperimentList]
AsyncPageFetcher = Callable[[int], Awaitable[PaginatedWebExperimentList]]


@attrs.frozen
class Sent:
    """The final response of a call, and whether an earlier attempt may already have had effect."""

    response: httpx.Response
    earlier_attempt_may_have_applied: bool = False
    attempts: int = 1
    elapsed: float = 0.0


@attrs.define(repr=False)
class GeneratedClient(AuthenticatedClient):
    """The generated ``AuthenticatedClient``, whose repr never shows the key."""

    def __repr__(self) -> str:
        """Show the base URL only; the token is filtered."""
        return f"AuthenticatedClient(base_url={self._base_url!r}, token='[Filtered]')"


class ViaClient(httpx.BaseTransport):
    """Send through a caller's ``httpx.Client`` (its proxies, mounts, hooks) without closing it."""

    def __init__(self, client: httpx.Client) -> None:
        self._client = client

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Hand the fully built request to the caller's client."""
        return self._client.send(request, stream=True)


class AsyncViaClient(httpx.AsyncBaseTransport):
    """Send through a caller's ``httpx.AsyncClient`` without closing it."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Hand the fully built request to the caller's client."""
        return await self._client.send(request, stream=True)


class _JsonBody:
    """A plain mapping standing in for a generated request model: sent exactly as given."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = dict(data)

    def to_dict(self) -> dict[str, Any]:
        return self._data


def as_body(body: _Body | Mapping[str, Any], model: type[_Body]) -> _Body:
    """Accept the generated model or a JSON-ready dict; the server validates either."""
    if isinstance(body, model):
        return body
    if isinstance(body, Mapping):
        # The generated request builders only call ``body.to_dict()``.
        return cast(_Body, _JsonBody(body))
    raise TypeError(f"body must be a {model.__name__} or a mapping, got {type(body).__name__}")


def connection_error(request: httpx.Request, error: httpx.TransportError) -> APIConnectionError:
    cls = APITimeoutError if isinstance(error, httpx.TimeoutException) else APIConnectionError
    reason = str(error)
    message = type(error).__name__ + (f": {reason}" if reason else "")
    if request.method == "POST" and may_have_been_sent(error):
        message += f" ({CREATE_MAY_HAVE_ARRIVED})"
    return cls(message, method=request.method, url=str(request.url))


def detach_stream(response: httpx.Response) -> httpx.Response:
    """Break httpx's response <-> stream reference cycle once the body has been read.

    httpx binds each response to a stream object that points back at it, so a dropped
    response (and its body) waits for the cyclic garbage collector; while paging, memory then
    grows with the number of pages rather than staying at about one page.
    """
    response.stream = httpx.ByteStream(response.content)
    return response


class BaseClient:
    """Settings, request preparation and response decoding shared by both clients."""

    def __init__(
        self,
        *,
        api_key: str | None,
        host: str | None,
        project_id: str | int | None,
        timeout: Timeout,
        retry: RetryPolicy | None,
        max_retries: int | None,
        environ: Mapping[str, str] | None,
        strict: bool = False,
        on_retry: RetryHook | None = None,
    ) -> None:
        self._strict = strict
        self._on_retry = on_retry
        self._settings: Settings = resolve_settings(
            api_key=api_key, host=host, project_id=project_id, environ=environ
        )
        self._timeout = coerce_timeout(timeout)
        policy = retry if retry is not None else RetryPolicy()
        self._retry = (
            policy if max_retries is None else attrs.evolve(policy, max_retries=max_retries)
        )
        self._headers = {
            "Authorization": f"Bearer {self._settings.api_key}",
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
        }
        # Only consulted by the generated response parsers, and as an escape hatch.
        self._generated = GeneratedClient(
            base_url=self._settings.host,
            token=self._settings.api_key,
            timeout=self._timeout,
            headers={"User-Agent": USER_AGENT},
            raise_on_unexpected_status=True,
        )
        # What close() closes: pools this client built; a copy from with_options() owns none.
        self._owned: list[Any] = []
        self._per_request_headers: dict[str, str] = self._headers
        enable_debug_logging_from_env()

    @property
    def host(self) -> str:
        """Base URL requests go to, e.g. ``https://us.posthog.com``."""
        return self._settings.host

    @property
    def project_id(self) -> str:
        """Project used when a call does not name one."""
        return self._settings.project_id

    @property
    def timeout(self) -> httpx.Timeout:
        """Timeout used when a call does not give one."""
        return self._timeout

    @property
    def retry(self) -> RetryPolicy:
        """Retry policy used when a call does not override ``max_retries``."""
        return self._retry

    @property
    def strict(self) -> bool:
        """Whether a response with a field or type the spec does not declare raises."""
        return self._strict

    @property
    def generated_client(self) -> AuthenticatedClient:
        """The generated client sharing this client's connection pool (no retries, no raising)."""
        return self._generated

    def __repr__(self) -> str:
        """Show host and project, never the key."""
        return f"{type(self).__name__}(host={self.host!r}, project_id={self.project_id!r})"

    def with_options(
        self,
        *,
        project_id: str | int | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
        retry: RetryPolicy | None = None,
        strict: bool | None = None,
        on_retry: RetryHook | None = None,
    ) -> Self:
        """Return a copy with other defaults, sharing (and never closing) this connection pool."""
        clone = copy.copy(self)
        clone._owned = []
        if strict is not None:
            clone._strict = strict
        if on_retry is not None:
            clone._on_retry = on_retry
        if project_id is not None:
            clone._settings = attrs.evolve(self._settings, project_id=str(project_id))
        if timeout is not None:
            clone._timeout = coerce_timeout(timeout)
        if retry is not None:
            clone._retry = retry
        if max_retries is not None:
            clone._retry = attrs.evolve(clone._retry, max_retries=max_retries)
        return clone

    def _project(self, project_id: str | int | None) -> str:
        return self._settings.project_id if project_id is None else str(project_id)

    def _policy(self, max_retries: int | None) -> RetryPolicy:
        if max_retries is None:
            return self._retry
        return attrs.evolve(self._retry, max_retries=max_retries)

    def _build_request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        op_kwargs: dict[str, Any],
        timeout: Timeout | None,
    ) -> httpx.Request:
        # A pool we built already sends these headers; a caller's pool needs them per request.
        headers = {**op_kwargs.pop("headers", {}), **self._per_request_headers}
        return http.build_request(
            method=op_kwargs.pop("method").upper(),
            url=self._settings.host + op_kwargs.pop("url"),
            headers=headers,
            timeout=self._timeout if timeout is None else coerce_timeout(timeout),
            **op_kwargs,
        )

    def _decode(
        self,
        sent: Sent,
        parse: Callable[..., object],
        model: type[_Model],
        status: int,
    ) -> _Model:
        response = sent.response
        if response.status_code != status:
            raise error_from_response(response)
        try:
            parsed = parse(client=self._generated, response=response)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise unexpected_response(
                response, f"Response body is not a valid {model.__name__}: {exc!r}"
            ) from exc
        if not isinstance(parsed, model):
            raise unexpected_response(response, f"Response body is not a {model.__name__}")
        if self._strict:
            check_strict(parsed, response)
        return parsed

    def _raw(self, sent: Sent, parsed: _Model) -> RawResponse[_Model]:
        return RawResponse(parsed, sent.response, sent.attempts, sent.elapsed)

    def _report_retry(
        self,
        request: httpx.Request,
        attempt: int,
        wait: float,
        response: httpx.Response | None,
        error: Exception | None,
    ) -> None:
        if self._on_retry is None:
            return
        if response is not None:
            reason = f"{response.status_code} {response.reason_phrase}".strip()
        else:
            reason = type(error).__name__
        self._on_retry(
            RetryEvent(
                method=request.method,
                url=str(request.url),
                attempt=attempt,
                delay=wait,
                reason=reason,
                status_code=None if response is None else response.status_code,
                error=error,
            )
        )

    @staticmethod
    def _expect_deleted(sent: Sent) -> None:
        """204, or a 404 on a retry after an attempt that may have deleted it already."""
        status = sent.response.status_code
        if status == 404 and sent.earlier_attempt_may_have_applied:
            logger.debug(
                "%s %s -> 404 on a retry: an earlier attempt deleted it",
                sent.response.request.method,
                sent.response.request.url,
            )
            return
        if status != 204:
            raise error_from_response(sent.response)

    @staticmethod
    def _log_response(
        request: httpx.Request, response: httpx.Response, started: float, attempt: int
    ) -> None:
        logger.debug(
            "%s %s -> %d (%.1f ms, attempt %d)",
            request.method,
            request.url,
            response.status_code,
            (time.perf_counter() - started) * 1000,
            attempt,
        )

    @staticmethod
    def _log_failure(
        request: httpx.Request, error: Exception, started: float, attempt: int
    ) -> None:
        logger.debug(
            "%s %s -> %s (%.1f ms, attempt %d)",
            request.method,
            request.url,
            type(error).__name__,
            (time.perf_counter() - started) * 1000,
            attempt,
        )

    @staticmethod
    def _log_retry(request: httpx.Request, wait: float, attempt: int, policy: RetryPolicy) -> None:
        logger.debug(
            "%s %s: retry %d of %d in %.2f s",
            request.method,
            request.url,
            attempt,
            policy.max_retries,
            wait,
        )
