"""The client of PostHog's web experiments API, written once.

``_async/client.py`` is the hand-written source; ``_sync/client.py`` is derived from it by
``scripts/derive_sync.py`` (``make sync-client``): ``async``/``await`` are dropped and async names
become their sync twins. Write nothing in the source that has no sync twin; ``make lint`` fails
when the derived file is not up to date.
"""

# ``timeout=`` is the per-call HTTP timeout, as in httpx (ASYNC109 expects a cancel scope).
# ruff: noqa: ASYNC109

from __future__ import annotations

import random
import time
from collections.abc import AsyncIterator, Callable, Mapping
from types import TracebackType
from typing import Any, Self

import httpx
from anyio import sleep as default_sleep
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
from posthog_web_experiments_client.models import (
    PaginatedWebExperimentList,
    WebExperiment,
    WebExperimentCreate,
    WebExperimentPartialUpdate,
    WebExperimentUpdate,
)
from posthog_web_experiments_client.types import UNSET

from .._base_client import (
    AsyncSleep,
    AsyncViaClient,
    BaseClient,
    Sent,
    Timeout,
    as_body,
    connection_error,
    detach_stream,
)
from .._config import DEFAULT_TIMEOUT
from .._errors import ConfigurationError
from .._models import parse_page_response
from .._params import (
    WebExperimentCreateParams,
    WebExperimentPartialUpdateParams,
    WebExperimentUpdateParams,
)
from .._response import RawResponse, RetryHook
from .._retries import RetryPolicy, may_have_been_sent
from . import pagination

__all__ = ["AsyncPostHogWebExperiments", "AsyncRawCalls"]


class AsyncPostHogWebExperiments(BaseClient):
    """Client for PostHog's web experiments API (``AsyncPostHogWebExperiments`` awaits each call).

    Args:
        api_key: personal API key; else ``POSTHOG_PERSONAL_API_KEY``; else ConfigurationError.
        host: base URL; else ``POSTHOG_HOST``; else ``https://us.posthog.com``.
        project_id: default project; else ``POSTHOG_PROJECT_ID``; else ``@current``.
        timeout: seconds or ``httpx.Timeout``; default 5 s connect, 30 s otherwise.
        retry: the RetryPolicy; default ``RetryPolicy()`` (2 retries).
        max_retries: shortcut overriding ``retry.max_retries``; 0 turns retries off.
        http_client: an ``httpx.Client`` (``httpx.AsyncClient`` for the async client) to send
            through (proxies, transports); never closed by this client.
        sleep: how to wait between retries (tests pass a fake clock); default ``time.sleep``
            (``anyio.sleep``, awaited, for the async client).
        environ: where to read the ``POSTHOG_*`` variables; default ``os.environ``.
        event_hooks: httpx event hooks (``{"request": [...], "response": [...]}``) called for
            every attempt, as httpx calls them (async functions for the async client); with
            ``http_client=``, set them on that client instead.
        on_retry: called with a ``RetryEvent`` (attempt, delay, reason) before each retry wait.
        strict: raise ``StrictResponseError`` when a response has a field or a type that
            openapi.yaml does not declare (default: keep unknown fields, as PostHog may add some).

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
        sleep: AsyncSleep | None = None,
        environ: Mapping[str, str] | None = None,
        event_hooks: Mapping[str, list[Callable[..., Any]]] | None = None,
        on_retry: RetryHook | None = None,
        strict: bool = False,
    ) -> None:
        super().__init__(
            api_key=api_key,
            host=host,
            project_id=project_id,
            timeout=timeout,
            retry=retry,
            max_retries=max_retries,
            environ=environ,
            strict=strict,
            on_retry=on_retry,
        )
        if http_client is not None and event_hooks is not None:
            raise ConfigurationError(
                "event_hooks: set them on the http_client you pass (its hooks run for every call)"
            )
        if http_client is None:
            self._http = httpx.AsyncClient(
                base_url=self.host,
                headers=self._headers,
                timeout=self._timeout,
                event_hooks=dict(event_hooks or {}),
            )
            self._per_request_headers = {}
            self._owned = [self._http]
            self._generated.set_async_httpx_client(self._http)
        else:
            # The caller's pool knows neither our host nor our headers: the generated client
            # gets a client that adds them and sends through the caller's pool.
            self._http = http_client
            headers = httpx.Headers(http_client.headers)
            headers.update(self._headers)
            bridge = httpx.AsyncClient(
                base_url=self.host,
                headers=headers,
                timeout=self._timeout,
                transport=AsyncViaClient(http_client),
            )
            self._owned = [bridge]
            self._generated.set_async_httpx_client(bridge)
        self._sleep = sleep or default_sleep

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        """Build a client from ``POSTHOG_*`` variables (``environ`` defaults to ``os.environ``)."""
        return cls(environ=environ)

    async def close(self) -> None:
        """Close the connection pool, unless it was passed in by the caller."""
        for owned in self._owned:
            await owned.aclose()

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
    ) -> Sent:
        policy = self._policy(max_retries)
        request = self._build_request(self._http, op_kwargs, timeout)
        retry_number, waited, may_have_applied = 0, 0.0, False
        call_started = time.perf_counter()
        while True:
            response: httpx.Response | None = None
            error: Exception | None = None
            started = time.perf_counter()
            try:
                response = detach_stream(await self._http.send(request))
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
                    raise connection_error(request, exc) from exc
                may_have_applied = may_have_applied or may_have_been_sent(exc)
                error = exc
            else:
                self._log_response(request, response, started, retry_number + 1)
                if response.status_code < 400:
                    elapsed = time.perf_counter() - call_started
                    return Sent(response, may_have_applied, retry_number + 1, elapsed)
                wait = policy.wait_after_response(
                    request.method,
                    response,
                    retry_number,
                    waited,
                    random.random(),  # noqa: S311
                )
                if wait is None:
                    elapsed = time.perf_counter() - call_started
                    return Sent(response, may_have_applied, retry_number + 1, elapsed)
                may_have_applied = may_have_applied or response.status_code >= 500
                await response.aclose()
            retry_number += 1
            self._log_retry(request, wait, retry_number, policy)
            self._report_retry(request, retry_number, wait, response, error)
            await self._sleep(wait)
            waited += wait

    @property
    def with_raw_response(self) -> AsyncRawCalls:
        """The same calls, each returning a ``RawResponse``: status, headers, attempts, elapsed."""
        return AsyncRawCalls(self)

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
        raw = await self.with_raw_response.list_page(
            limit=limit,
            offset=offset,
            project_id=project_id,
            timeout=timeout,
            max_retries=max_retries,
        )
        return raw.parsed

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

        return pagination.iter_pages(fetch, offset)

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
        return pagination.iter_experiments(pages)

    async def create(
        self,
        body: WebExperimentCreate | WebExperimentCreateParams,
        *,
        project_id: str | int | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> WebExperiment:
        """Create an experiment (and its feature flag); never repeated once it may have arrived."""
        raw = await self.with_raw_response.create(
            body, project_id=project_id, timeout=timeout, max_retries=max_retries
        )
        return raw.parsed

    async def retrieve(
        self,
        experiment_id: int,
        *,
        project_id: str | int | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> WebExperiment:
        """Fetch one experiment by id."""
        raw = await self.with_raw_response.retrieve(
            experiment_id, project_id=project_id, timeout=timeout, max_retries=max_retries
        )
        return raw.parsed

    async def update(
        self,
        experiment_id: int,
        body: WebExperimentUpdate | WebExperimentUpdateParams,
        *,
        project_id: str | int | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> WebExperiment:
        """Replace an experiment's name and variants (PUT)."""
        raw = await self.with_raw_response.update(
            experiment_id, body, project_id=project_id, timeout=timeout, max_retries=max_retries
        )
        return raw.parsed

    async def partial_update(
        self,
        experiment_id: int,
        body: WebExperimentPartialUpdate | WebExperimentPartialUpdateParams,
        *,
        project_id: str | int | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> WebExperiment:
        """Change some fields (PATCH); PostHog still requires ``variants``."""
        raw = await self.with_raw_response.partial_update(
            experiment_id, body, project_id=project_id, timeout=timeout, max_retries=max_retries
        )
        return raw.parsed

    async def delete(
        self,
        experiment_id: int,
        *,
        project_id: str | int | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> None:
        """Delete an experiment for good (its feature flag stays).

        A retry that meets 404 after an earlier attempt may have gone through (a dropped
        connection, a timeout after sending, a 5xx) counts as deleted: DELETE is idempotent.
        """
        await self.with_raw_response.delete(
            experiment_id, project_id=project_id, timeout=timeout, max_retries=max_retries
        )


class AsyncRawCalls:
    """``client.with_raw_response``: each call returns a ``RawResponse`` around its model."""

    def __init__(self, client: AsyncPostHogWebExperiments) -> None:
        """Call through ``client`` (its settings, pool, retries and hooks)."""
        self._client = client

    async def list_page(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        project_id: str | int | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> RawResponse[PaginatedWebExperimentList]:
        """``list_page`` with the raw response."""
        client = self._client
        op_kwargs = _list_op._get_kwargs(
            client._project(project_id),
            limit=UNSET if limit is None else limit,
            offset=UNSET if offset is None else offset,
        )
        sent = await client._send(op_kwargs, timeout=timeout, max_retries=max_retries)
        parsed = client._decode(sent, parse_page_response, PaginatedWebExperimentList, 200)
        return client._raw(sent, parsed)

    async def create(
        self,
        body: WebExperimentCreate | WebExperimentCreateParams,
        *,
        project_id: str | int | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> RawResponse[WebExperiment]:
        """``create`` with the raw response."""
        client = self._client
        op_kwargs = _create_op._get_kwargs(
            client._project(project_id), body=as_body(body, WebExperimentCreate)
        )
        sent = await client._send(op_kwargs, timeout=timeout, max_retries=max_retries)
        parsed = client._decode(sent, _create_op._parse_response, WebExperiment, 201)
        return client._raw(sent, parsed)

    async def retrieve(
        self,
        experiment_id: int,
        *,
        project_id: str | int | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> RawResponse[WebExperiment]:
        """``retrieve`` with the raw response."""
        client = self._client
        op_kwargs = _retrieve_op._get_kwargs(client._project(project_id), experiment_id)
        sent = await client._send(op_kwargs, timeout=timeout, max_retries=max_retries)
        parsed = client._decode(sent, _retrieve_op._parse_response, WebExperiment, 200)
        return client._raw(sent, parsed)

    async def update(
        self,
        experiment_id: int,
        body: WebExperimentUpdate | WebExperimentUpdateParams,
        *,
        project_id: str | int | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> RawResponse[WebExperiment]:
        """``update`` with the raw response."""
        client = self._client
        op_kwargs = _update_op._get_kwargs(
            client._project(project_id), experiment_id, body=as_body(body, WebExperimentUpdate)
        )
        sent = await client._send(op_kwargs, timeout=timeout, max_retries=max_retries)
        parsed = client._decode(sent, _update_op._parse_response, WebExperiment, 200)
        return client._raw(sent, parsed)

    async def partial_update(
        self,
        experiment_id: int,
        body: WebExperimentPartialUpdate | WebExperimentPartialUpdateParams,
        *,
        project_id: str | int | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> RawResponse[WebExperiment]:
        """``partial_update`` with the raw response."""
        client = self._client
        op_kwargs = _partial_update_op._get_kwargs(
            client._project(project_id),
            experiment_id,
            body=as_body(body, WebExperimentPartialUpdate),
        )
        sent = await client._send(op_kwargs, timeout=timeout, max_retries=max_retries)
        parsed = client._decode(sent, _partial_update_op._parse_response, WebExperiment, 200)
        return client._raw(sent, parsed)

    async def delete(
        self,
        experiment_id: int,
        *,
        project_id: str | int | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> RawResponse[None]:
        """``delete`` with the raw response (``parsed`` is None)."""
        client = self._client
        op_kwargs = _destroy_op._get_kwargs(client._project(project_id), experiment_id)
        sent = await client._send(op_kwargs, timeout=timeout, max_retries=max_retries)
        client._expect_deleted(sent)
        return client._raw(sent, None)
