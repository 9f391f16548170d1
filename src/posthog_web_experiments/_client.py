"""The sync and async clients: one surface, one behaviour, built on the generated operations.

Each call takes the request (method, path, query, body) from the generated module's
``_get_kwargs`` and turns a success into the attrs model with its ``_parse_response``; the
sending in between is done here, because the generated ``sync_detailed`` has no per-call
timeout, no retry hook, and returns documented errors as values without the httpx response.
Both helpers come from openapi-python-client's templates; the generator version is pinned and
the drift check regenerates them, so a template change shows up as a diff in ``generated/``.
"""

# ``timeout=`` on async methods is the per-call HTTP timeout, mirroring httpx.AsyncClient.
# ruff: noqa: ASYNC109

from __future__ import annotations

import copy
import platform
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from types import TracebackType
from typing import Any, Self, TypeVar, cast

import anyio
import attrs
import httpx
from posthog_web_experiments_client.api.web_experiments import (
    web_experiments_create as _create_op,
)
from posthog_web_experiments_client.api.web_experiments import (
    web_experiments_destroy as _destroy_op,
)
from posthog_web_experiments_client.api.web_experiments import (
    web_experiments_list as _list_op,
)
from posthog_web_experiments_client.api.web_experiments import (
    web_experiments_partial_update as _partial_update_op,
)
from posthog_web_experiments_client.api.web_experiments import (
    web_experiments_retrieve as _retrieve_op,
)
from posthog_web_experiments_client.api.web_experiments import (
    web_experiments_update as _update_op,
)
from posthog_web_experiments_client.client import AuthenticatedClient
from posthog_web_experiments_client.models import (
    PaginatedWebExperimentList,
    WebExperiment,
    WebExperimentCreate,
    WebExperimentPartialUpdate,
    WebExperimentUpdate,
)
from posthog_web_experiments_client.types import UNSET

from . import _pagination
from ._config import DEFAULT_TIMEOUT, Settings, coerce_timeout, resolve_settings
from ._errors import (
    APIConnectionError,
    APITimeoutError,
    error_from_response,
    unexpected_response,
)
from ._logging import enable_debug_logging_from_env, logger
from ._retries import RetryPolicy, may_have_been_sent
from ._version import __version__

__all__ = ["AsyncPostHogWebExperiments", "PostHogWebExperiments"]

USER_AGENT = (
    f"posthog-web-experiments-python/{__version__} "
    f"httpx/{httpx.__version__} python/{platform.python_version()}"
)

_Model = TypeVar("_Model")
_Body = TypeVar("_Body", WebExperimentCreate, WebExperimentUpdate, WebExperimentPartialUpdate)
Timeout = float | httpx.Timeout


class _JsonBody:
    """A plain mapping standing in for a generated request model: sent exactly as given."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = dict(data)

    def to_dict(self) -> dict[str, Any]:
        return self._data


def _as_body(body: _Body | Mapping[str, Any], model: type[_Body]) -> _Body:
    """Accept the generated model or a JSON-ready dict; the server validates either."""
    if isinstance(body, model):
        return body
    if isinstance(body, Mapping):
        # The generated request builders only call ``body.to_dict()``.
        return cast(_Body, _JsonBody(body))
    raise TypeError(f"body must be a {model.__name__} or a mapping, got {type(body).__name__}")


def _connection_error(request: httpx.Request, error: httpx.TransportError) -> APIConnectionError:
    cls = APITimeoutError if isinstance(error, httpx.TimeoutException) else APIConnectionError
    reason = str(error)
    message = type(error).__name__ + (f": {reason}" if reason else "")
    if request.method == "POST" and may_have_been_sent(error):
        message += " (the create may have reached PostHog: list experiments before repeating it)"
    return cls(message, method=request.method, url=str(request.url))


def _detach_stream(response: httpx.Response) -> httpx.Response:
    """Break httpx's response <-> stream reference cycle once the body has been read.

    httpx binds each response to a stream object that points back at it, so a dropped
    response (and its body) waits for the cyclic garbage collector; while paging, memory then
    grows with the number of pages rather than staying at about one page.
    """
    response.stream = httpx.ByteStream(response.content)
    return response


class _BaseClient:
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
    ) -> None:
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
        self._generated = AuthenticatedClient(
            base_url=self._settings.host,
            token=self._settings.api_key,
            timeout=self._timeout,
            headers={"User-Agent": USER_AGENT},
            raise_on_unexpected_status=True,
        )
        self._owns_http = True
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
    ) -> Self:
        """Return a copy with other defaults, sharing (and never closing) this connection pool."""
        clone = copy.copy(self)
        clone._owns_http = False
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
        response: httpx.Response,
        parse: Callable[..., object],
        model: type[_Model],
        status: int,
    ) -> _Model:
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
        return parsed

    def _expect_empty(self, response: httpx.Response) -> None:
        if response.status_code != 204:
            raise error_from_response(response)

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


class PostHogWebExperiments(_BaseClient):
    """Synchronous client for PostHog's web experiments API.

    Args:
        api_key: personal API key; else ``POSTHOG_PERSONAL_API_KEY``; else ConfigurationError.
        host: base URL; else ``POSTHOG_HOST``; else ``https://us.posthog.com``.
        project_id: default project; else ``POSTHOG_PROJECT_ID``; else ``@current``.
        timeout: seconds or ``httpx.Timeout``; default 5 s connect, 30 s otherwise.
        retry: the RetryPolicy; default ``RetryPolicy()`` (2 retries).
        max_retries: shortcut overriding ``retry.max_retries``; 0 turns retries off.
        http_client: an httpx.Client to send through (proxies, transports); not closed by us.
        sleep: how to wait between retries (tests pass a fake clock); default ``time.sleep``.
        environ: where to read the ``POSTHOG_*`` variables; default ``os.environ``.

    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        host: str | None = None,
        project_id: str | int | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        max_retries: int | None = None,
        http_client: httpx.Client | None = None,
        sleep: Callable[[float], None] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(
            api_key=api_key,
            host=host,
            project_id=project_id,
            timeout=timeout,
            retry=retry,
            max_retries=max_retries,
            environ=environ,
        )
        self._owns_http = http_client is None
        self._per_request_headers = {} if http_client is None else self._headers
        self._http = http_client or httpx.Client(
            base_url=self.host, headers=self._headers, timeout=self._timeout
        )
        self._generated.set_httpx_client(self._http)
        self._sleep = sleep or time.sleep

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        """Build a client from ``POSTHOG_*`` variables (``environ`` defaults to ``os.environ``)."""
        return cls(environ=environ)

    def close(self) -> None:
        """Close the connection pool, unless it was passed in by the caller."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        """Use the client as a context manager that closes it on exit."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the client."""
        self.close()

    def _send(
        self, op_kwargs: dict[str, Any], *, timeout: Timeout | None, max_retries: int | None
    ) -> httpx.Response:
        policy = self._policy(max_retries)
        request = self._build_request(self._http, op_kwargs, timeout)
        retry_number, waited = 0, 0.0
        while True:
            started = time.perf_counter()
            try:
                response = _detach_stream(self._http.send(request))
            except httpx.TransportError as exc:
                self._log_failure(request, exc, started, retry_number + 1)
                wait = policy.wait_after_error(
                    request.method,
                    exc,
                    retry_number,
                    waited,
                    random.random(),  # noqa: S311
                )
                if wait is None:
                    raise _connection_error(request, exc) from exc
            else:
                self._log_response(request, response, started, retry_number + 1)
                if response.status_code < 400:
                    return response
                wait = policy.wait_after_response(
                    request.method,
                    response,
                    retry_number,
                    waited,
                    random.random(),  # noqa: S311
                )
                if wait is None:
                    return response
                response.close()
            retry_number += 1
            self._log_retry(request, wait, retry_number, policy)
            self._sleep(wait)
            waited += wait

    def list_page(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        project_id: str | int | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> PaginatedWebExperimentList:
        """Fetch one page of experiments, newest first (server default ``limit`` is 100)."""
        op_kwargs = _list_op._get_kwargs(
            self._project(project_id),
            limit=UNSET if limit is None else limit,
            offset=UNSET if offset is None else offset,
        )
        response = self._send(op_kwargs, timeout=timeout, max_retries=max_retries)
        return self._decode(response, _list_op._parse_response, PaginatedWebExperimentList, 200)

    def iter_pages(
        self,
        *,
        limit: int | None = None,
        offset: int = 0,
        project_id: str | int | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> Iterator[PaginatedWebExperimentList]:
        """Yield pages from ``offset`` on, following ``next`` and fetching each on demand."""

        def fetch(page_offset: int) -> PaginatedWebExperimentList:
            return self.list_page(
                limit=limit,
                offset=page_offset,
                project_id=project_id,
                timeout=timeout,
                max_retries=max_retries,
            )

        return _pagination.iter_pages(fetch, offset)

    def iter_experiments(
        self,
        *,
        limit: int | None = None,
        project_id: str | int | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> Iterator[WebExperiment]:
        """Yield every experiment, newest first, holding one page of ``limit`` at a time."""
        pages = self.iter_pages(
            limit=limit, project_id=project_id, timeout=timeout, max_retries=max_retries
        )
        return _pagination.iter_experiments(pages)

    def create(
        self,
        body: WebExperimentCreate | Mapping[str, Any],
        *,
        project_id: str | int | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> WebExperiment:
        """Create an experiment (and its feature flag); never repeated once it may have arrived."""
        op_kwargs = _create_op._get_kwargs(
            self._project(project_id), body=_as_body(body, WebExperimentCreate)
        )
        response = self._send(op_kwargs, timeout=timeout, max_retries=max_retries)
        return self._decode(response, _create_op._parse_response, WebExperiment, 201)

    def retrieve(
        self,
        experiment_id: int,
        *,
        project_id: str | int | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> WebExperiment:
        """Fetch one experiment by id."""
        op_kwargs = _retrieve_op._get_kwargs(self._project(project_id), experiment_id)
        response = self._send(op_kwargs, timeout=timeout, max_retries=max_retries)
        return self._decode(response, _retrieve_op._parse_response, WebExperiment, 200)

    def update(
        self,
        experiment_id: int,
        body: WebExperimentUpdate | Mapping[str, Any],
        *,
        project_id: str | int | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> WebExperiment:
        """Replace an experiment's name and variants (PUT)."""
        op_kwargs = _update_op._get_kwargs(
            self._project(project_id), experiment_id, body=_as_body(body, WebExperimentUpdate)
        )
        response = self._send(op_kwargs, timeout=timeout, max_retries=max_retries)
        return self._decode(response, _update_op._parse_response, WebExperiment, 200)

    def partial_update(
        self,
        experiment_id: int,
        body: WebExperimentPartialUpdate | Mapping[str, Any],
        *,
        project_id: str | int | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> WebExperiment:
        """Change some fields (PATCH); PostHog still requires ``variants``."""
        op_kwargs = _partial_update_op._get_kwargs(
            self._project(project_id),
            experiment_id,
            body=_as_body(body, WebExperimentPartialUpdate),
        )
        response = self._send(op_kwargs, timeout=timeout, max_retries=max_retries)
        return self._decode(response, _partial_update_op._parse_response, WebExperiment, 200)

    def delete(
        self,
        experiment_id: int,
        *,
        project_id: str | int | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> None:
        """Delete an experiment for good (its feature flag stays)."""
        op_kwargs = _destroy_op._get_kwargs(self._project(project_id), experiment_id)
        response = self._send(op_kwargs, timeout=timeout, max_retries=max_retries)
        self._expect_empty(response)


class AsyncPostHogWebExperiments(_BaseClient):
    """Asynchronous client with the same methods and behaviour as :class:`PostHogWebExperiments`.

    Takes the same arguments, except ``http_client`` is an ``httpx.AsyncClient`` and ``sleep``
    an async callable (default ``anyio.sleep``).
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        host: str | None = None,
        project_id: str | int | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        max_retries: int | None = None,
        http_client: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(
            api_key=api_key,
            host=host,
            project_id=project_id,
            timeout=timeout,
            retry=retry,
            max_retries=max_retries,
            environ=environ,
        )
        self._owns_http = http_client is None
        self._per_request_headers = {} if http_client is None else self._headers
        self._http = http_client or httpx.AsyncClient(
            base_url=self.host, headers=self._headers, timeout=self._timeout
        )
        self._generated.set_async_httpx_client(self._http)
        self._sleep = sleep or anyio.sleep

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        """Build a client from ``POSTHOG_*`` variables (``environ`` defaults to ``os.environ``)."""
        return cls(environ=environ)

    async def close(self) -> None:
        """Close the connection pool, unless it was passed in by the caller."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        """Use the client as an async context manager that closes it on exit."""
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the client."""
        await self.close()

    async def _send(
        self, op_kwargs: dict[str, Any], *, timeout: Timeout | None, max_retries: int | None
    ) -> httpx.Response:
        policy = self._policy(max_retries)
        request = self._build_request(self._http, op_kwargs, timeout)
        retry_number, waited = 0, 0.0
        while True:
            started = time.perf_counter()
            try:
                response = _detach_stream(await self._http.send(request))
            except httpx.TransportError as exc:
                self._log_failure(request, exc, started, retry_number + 1)
                wait = policy.wait_after_error(
                    request.method,
                    exc,
                    retry_number,
                    waited,
                    random.random(),  # noqa: S311
                )
                if wait is None:
                    raise _connection_error(request, exc) from exc
            else:
                self._log_response(request, response, started, retry_number + 1)
                if response.status_code < 400:
                    return response
                wait = policy.wait_after_response(
                    request.method,
                    response,
                    retry_number,
                    waited,
                    random.random(),  # noqa: S311
                )
                if wait is None:
                    return response
                await response.aclose()
            retry_number += 1
            self._log_retry(request, wait, retry_number, policy)
            await self._sleep(wait)
            waited += wait

    async def list_page(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        project_id: str | int | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> PaginatedWebExperimentList:
        """Fetch one page of experiments, newest first (server default ``limit`` is 100)."""
        op_kwargs = _list_op._get_kwargs(
            self._project(project_id),
            limit=UNSET if limit is None else limit,
            offset=UNSET if offset is None else offset,
        )
        response = await self._send(op_kwargs, timeout=timeout, max_retries=max_retries)
        return self._decode(response, _list_op._parse_response, PaginatedWebExperimentList, 200)

    def iter_pages(
        self,
        *,
        limit: int | None = None,
        offset: int = 0,
        project_id: str | int | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> AsyncIterator[PaginatedWebExperimentList]:
        """Yield pages from ``offset`` on, following ``next`` and fetching each on demand."""

        async def fetch(page_offset: int) -> PaginatedWebExperimentList:
            return await self.list_page(
                limit=limit,
                offset=page_offset,
                project_id=project_id,
                timeout=timeout,
                max_retries=max_retries,
            )

        return _pagination.aiter_pages(fetch, offset)

    def iter_experiments(
        self,
        *,
        limit: int | None = None,
        project_id: str | int | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> AsyncIterator[WebExperiment]:
        """Yield every experiment, newest first, holding one page of ``limit`` at a time."""
        pages = self.iter_pages(
            limit=limit, project_id=project_id, timeout=timeout, max_retries=max_retries
        )
        return _pagination.aiter_experiments(pages)

    async def create(
        self,
        body: WebExperimentCreate | Mapping[str, Any],
        *,
        project_id: str | int | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> WebExperiment:
        """Create an experiment (and its feature flag); never repeated once it may have arrived."""
        op_kwargs = _create_op._get_kwargs(
            self._project(project_id), body=_as_body(body, WebExperimentCreate)
        )
        response = await self._send(op_kwargs, timeout=timeout, max_retries=max_retries)
        return self._decode(response, _create_op._parse_response, WebExperiment, 201)

    async def retrieve(
        self,
        experiment_id: int,
        *,
        project_id: str | int | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> WebExperiment:
        """Fetch one experiment by id."""
        op_kwargs = _retrieve_op._get_kwargs(self._project(project_id), experiment_id)
        response = await self._send(op_kwargs, timeout=timeout, max_retries=max_retries)
        return self._decode(response, _retrieve_op._parse_response, WebExperiment, 200)

    async def update(
        self,
        experiment_id: int,
        body: WebExperimentUpdate | Mapping[str, Any],
        *,
        project_id: str | int | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> WebExperiment:
        """Replace an experiment's name and variants (PUT)."""
        op_kwargs = _update_op._get_kwargs(
            self._project(project_id), experiment_id, body=_as_body(body, WebExperimentUpdate)
        )
        response = await self._send(op_kwargs, timeout=timeout, max_retries=max_retries)
        return self._decode(response, _update_op._parse_response, WebExperiment, 200)

    async def partial_update(
        self,
        experiment_id: int,
        body: WebExperimentPartialUpdate | Mapping[str, Any],
        *,
        project_id: str | int | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> WebExperiment:
        """Change some fields (PATCH); PostHog still requires ``variants``."""
        op_kwargs = _partial_update_op._get_kwargs(
            self._project(project_id),
            experiment_id,
            body=_as_body(body, WebExperimentPartialUpdate),
        )
        response = await self._send(op_kwargs, timeout=timeout, max_retries=max_retries)
        return self._decode(response, _partial_update_op._parse_response, WebExperiment, 200)

    async def delete(
        self,
        experiment_id: int,
        *,
        project_id: str | int | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> None:
        """Delete an experiment for good (its feature flag stays)."""
        op_kwargs = _destroy_op._get_kwargs(self._project(project_id), experiment_id)
        response = await self._send(op_kwargs, timeout=timeout, max_retries=max_retries)
        self._expect_empty(response)
