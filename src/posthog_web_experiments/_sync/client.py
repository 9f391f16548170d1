# Derived from _async/client.py by scripts/derive_sync.py (make sync-client): do not edit.
"""The client of PostHog's web experiments API, written once.

``_async/client.py`` is the hand-written source; ``_sync/client.py`` is derived from it by
``scripts/derive_sync.py`` (``make sync-client``): ``async``/``await`` are dropped and async names
become their sync twins. Write nothing in the source that has no sync twin; ``make lint`` fails
when the derived file is not up to date.
"""

# ``timeout=`` is the per-call HTTP timeout, as in httpx (ASYNC109 expects a cancel scope).

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Mapping
from time import sleep as default_sleep
from types import TracebackType
from typing import Any, Self

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
from posthog_web_experiments_client.models import (
    PaginatedWebExperimentList,
    WebExperiment,
    WebExperimentCreate,
    WebExperimentPartialUpdate,
    WebExperimentUpdate,
)
from posthog_web_experiments_client.types import UNSET

from .._base_client import (
    BaseClient,
    Sent,
    Sleep,
    Timeout,
    ViaClient,
    as_body,
    connection_error,
    detach_stream,
)
from .._config import DEFAULT_TIMEOUT
from .._retries import RetryPolicy, may_have_been_sent
from . import pagination

__all__ = ["PostHogWebExperiments"]


class PostHogWebExperiments(BaseClient):
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
        sleep: Sleep | None = None,
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
        if http_client is None:
            self._http = httpx.Client(
                base_url=self.host, headers=self._headers, timeout=self._timeout
            )
            self._per_request_headers = {}
            self._owned = [self._http]
            self._generated.set_httpx_client(self._http)
        else:
            # The caller's pool knows neither our host nor our headers: the generated client
            # gets a client that adds them and sends through the caller's pool.
            self._http = http_client
            headers = httpx.Headers(http_client.headers)
            headers.update(self._headers)
            bridge = httpx.Client(
                base_url=self.host,
                headers=headers,
                timeout=self._timeout,
                transport=ViaClient(http_client),
            )
            self._owned = [bridge]
            self._generated.set_httpx_client(bridge)
        self._sleep = sleep or default_sleep

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        """Build a client from ``POSTHOG_*`` variables (``environ`` defaults to ``os.environ``)."""
        return cls(environ=environ)

    def close(self) -> None:
        """Close the connection pool, unless it was passed in by the caller."""
        for owned in self._owned:
            owned.close()

    def __enter__(self) -> Self:
        """Use the client as an async context manager that closes it on exit."""
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
    ) -> Sent:
        policy = self._policy(max_retries)
        request = self._build_request(self._http, op_kwargs, timeout)
        retry_number, waited, may_have_applied = 0, 0.0, False
        while True:
            started = time.perf_counter()
            try:
                response = detach_stream(self._http.send(request))
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
            else:
                self._log_response(request, response, started, retry_number + 1)
                if response.status_code < 400:
                    return Sent(response, may_have_applied)
                wait = policy.wait_after_response(
                    request.method,
                    response,
                    retry_number,
                    waited,
                    random.random(),  # noqa: S311
                )
                if wait is None:
                    return Sent(response, may_have_applied)
                may_have_applied = may_have_applied or response.status_code >= 500
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
        sent = self._send(op_kwargs, timeout=timeout, max_retries=max_retries)
        return self._decode(sent, _list_op._parse_response, PaginatedWebExperimentList, 200)

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

        return pagination.iter_pages(fetch, offset)

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
        return pagination.iter_experiments(pages)

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
            self._project(project_id), body=as_body(body, WebExperimentCreate)
        )
        sent = self._send(op_kwargs, timeout=timeout, max_retries=max_retries)
        return self._decode(sent, _create_op._parse_response, WebExperiment, 201)

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
        sent = self._send(op_kwargs, timeout=timeout, max_retries=max_retries)
        return self._decode(sent, _retrieve_op._parse_response, WebExperiment, 200)

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
            self._project(project_id), experiment_id, body=as_body(body, WebExperimentUpdate)
        )
        sent = self._send(op_kwargs, timeout=timeout, max_retries=max_retries)
        return self._decode(sent, _update_op._parse_response, WebExperiment, 200)

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
            body=as_body(body, WebExperimentPartialUpdate),
        )
        sent = self._send(op_kwargs, timeout=timeout, max_retries=max_retries)
        return self._decode(sent, _partial_update_op._parse_response, WebExperiment, 200)

    def delete(
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
        op_kwargs = _destroy_op._get_kwargs(self._project(project_id), experiment_id)
        sent = self._send(op_kwargs, timeout=timeout, max_retries=max_retries)
        self._expect_deleted(sent)
