"""Requests the clients send and how they decode answers, served in-process by MockTransport."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from posthog_web_experiments_client.api.web_experiments import web_experiments_retrieve

from posthog_web_experiments import (
    USER_AGENT,
    APIError,
    AsyncPostHogWebExperiments,
    AuthenticationError,
    ControlVariant,
    NotFoundError,
    PermissionDeniedError,
    PostHogWebExperiments,
    RateLimitError,
    ServerError,
    UnexpectedResponseError,
    ValidationError,
    WebExperiment,
    WebExperimentCreate,
    WebExperimentVariants,
    __version__,
)

from .conftest import call, open_client
from .fault_server import STD_EXPERIMENT

pytestmark = pytest.mark.anyio

HOST = "http://posthog.test"
KEY = "phx_secret_key_123"
VARIANTS = {"control": {"rollout_percentage": 100}}
PAGE = {"count": 1, "next": None, "previous": None, "results": [STD_EXPERIMENT]}


class Recorder:
    """Answers every request with one response and remembers the requests."""

    def __init__(self, status: int = 200, body: Any = None, **kwargs: Any) -> None:
        self.requests: list[httpx.Request] = []
        self.status = status
        self.body = STD_EXPERIMENT if body is None else body
        self.kwargs = kwargs

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if isinstance(self.body, bytes):
            return httpx.Response(self.status, content=self.body, **self.kwargs)
        return httpx.Response(self.status, json=self.body, **self.kwargs)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


def options(**overrides: Any) -> dict[str, Any]:
    return {"api_key": KEY, "host": HOST, "project_id": 1, **overrides}


async def test_requests_carry_auth_user_agent_and_json_accept(kind: str) -> None:
    recorder = Recorder()
    async with open_client(kind, handler=recorder, **options()) as client:
        await call(client, "retrieve", 1)
    headers = recorder.last.headers
    assert headers["Authorization"] == f"Bearer {KEY}"
    assert headers["User-Agent"] == USER_AGENT
    assert headers["Accept"] == "application/json"
    assert USER_AGENT.startswith(f"posthog-web-experiments-python/{__version__} httpx/")


@pytest.mark.parametrize(
    ("client_timeout", "call_timeout", "expected"),
    [
        pytest.param(
            None,
            None,
            {"connect": 5.0, "read": 30.0, "write": 30.0, "pool": 30.0},
            id="default-connect-5s-read-30s",
        ),
        pytest.param(
            2.5, None, {"connect": 2.5, "read": 2.5, "write": 2.5, "pool": 2.5}, id="client-number"
        ),
        pytest.param(
            httpx.Timeout(10.0, connect=1.0),
            None,
            {"connect": 1.0, "read": 10.0, "write": 10.0, "pool": 10.0},
            id="client-httpx-timeout",
        ),
        pytest.param(
            2.5,
            httpx.Timeout(7.0, read=60.0),
            {"connect": 7.0, "read": 60.0, "write": 7.0, "pool": 7.0},
            id="per-call-beats-client",
        ),
    ],
)
async def test_timeouts_default_and_override(
    kind: str,
    client_timeout: float | httpx.Timeout | None,
    call_timeout: float | httpx.Timeout | None,
    expected: dict[str, float],
) -> None:
    recorder = Recorder()
    extra = {} if client_timeout is None else {"timeout": client_timeout}
    async with open_client(kind, handler=recorder, **options(**extra)) as client:
        await call(client, "retrieve", 1, timeout=call_timeout)
    assert recorder.last.extensions["timeout"] == expected


async def test_project_id_per_client_and_per_call(kind: str) -> None:
    recorder = Recorder(body=PAGE)
    async with open_client(kind, handler=recorder, **options(project_id="@current")) as client:
        await call(client, "list_page")
        await call(client, "list_page", project_id=42, limit=7, offset=14)
    first, second = recorder.requests
    assert first.url.raw_path == b"/api/projects/%40current/web_experiments/"
    assert second.url.raw_path == b"/api/projects/42/web_experiments/?limit=7&offset=14"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"name": "Dict", "variants": VARIANTS, "extra": [1]}, id="plain-dict"),
        pytest.param(
            WebExperimentCreate(
                name="Dict",
                variants=WebExperimentVariants(control=ControlVariant(rollout_percentage=100)),
            ),
            id="attrs-model",
        ),
    ],
)
async def test_create_sends_model_or_dict_as_json(kind: str, body: Any) -> None:
    recorder = Recorder(status=201)
    async with open_client(kind, handler=recorder, **options()) as client:
        experiment = await call(client, "create", body)
    assert isinstance(experiment, WebExperiment)
    sent = json.loads(recorder.last.content)
    expected = body if isinstance(body, dict) else body.to_dict()
    assert sent == expected
    assert recorder.last.method == "POST"
    assert recorder.last.headers["Content-Type"] == "application/json"


async def test_create_rejects_a_body_of_the_wrong_type(kind: str) -> None:
    async with open_client(kind, handler=Recorder(status=201), **options()) as client:
        with pytest.raises(TypeError, match="body must be a WebExperimentCreate or a mapping"):
            await call(client, "create", ["not", "a", "body"])


@pytest.mark.parametrize(
    ("method", "args", "http_method", "path_end"),
    [
        pytest.param("update", (5, {"name": "n", "variants": VARIANTS}), "PUT", "/5/", id="put"),
        pytest.param("partial_update", (5, {"variants": VARIANTS}), "PATCH", "/5/", id="patch"),
        pytest.param("retrieve", (5,), "GET", "/5/", id="get"),
    ],
)
async def test_single_experiment_operations_return_models(
    kind: str, method: str, args: tuple[Any, ...], http_method: str, path_end: str
) -> None:
    recorder = Recorder()
    async with open_client(kind, handler=recorder, **options()) as client:
        experiment = await call(client, method, *args)
    assert experiment == WebExperiment.from_dict(STD_EXPERIMENT)
    assert recorder.last.method == http_method
    assert recorder.last.url.path == f"/api/projects/1/web_experiments{path_end}"


async def test_delete_returns_none_on_204(kind: str) -> None:
    recorder = Recorder(status=204, body=b"")
    async with open_client(kind, handler=recorder, **options()) as client:
        assert await call(client, "delete", 5) is None
    assert recorder.last.method == "DELETE"


def error_body(type_: str, code: str, detail: str, attr: str | None = None) -> dict[str, Any]:
    return {"type": type_, "code": code, "detail": detail, "attr": attr}


ERROR_CASES = [
    pytest.param(
        400,
        error_body("validation_error", "required", "This field is required.", "variants"),
        ValidationError,
        id="400-validation",
    ),
    pytest.param(
        401,
        error_body(
            "authentication_error",
            "authentication_failed",
            "Personal API key found in request Authorization header is invalid.",
        ),
        AuthenticationError,
        id="401-authentication",
    ),
    pytest.param(
        403,
        error_body(
            "authentication_error",
            "permission_denied",
            "API key missing required scope 'experiment:write'",
        ),
        PermissionDeniedError,
        id="403-permission",
    ),
    pytest.param(
        404, error_body("invalid_request", "not_found", "Not found."), NotFoundError, id="404"
    ),
    pytest.param(
        415,
        error_body(
            "invalid_request",
            "unsupported_media_type",
            'Unsupported media type "text/plain" in request.',
        ),
        APIError,
        id="415-base-class",
    ),
    pytest.param(
        429,
        error_body(
            "throttled_error",
            "throttled",
            "Request was throttled. Expected available in 9 seconds.",
        ),
        RateLimitError,
        id="429-rate-limit",
    ),
    pytest.param(
        500,
        error_body("server_error", "error", "A server error occurred."),
        ServerError,
        id="500-server",
    ),
]


@pytest.mark.parametrize(("status", "body", "error_class"), ERROR_CASES)
async def test_error_statuses_raise_typed_errors_with_posthog_fields(
    kind: str, status: int, body: dict[str, Any], error_class: type[APIError]
) -> None:
    recorder = Recorder(status=status, body=body)
    async with open_client(kind, handler=recorder, **options(max_retries=0)) as client:
        with pytest.raises(APIError) as caught:
            await call(client, "retrieve", 7)
    error = caught.value
    assert type(error) is error_class
    assert (error.status_code, error.type, error.code, error.detail, error.attr) == (
        status,
        body["type"],
        body["code"],
        body["detail"],
        body["attr"],
    )
    assert (error.method, error.url) == ("GET", f"{HOST}/api/projects/1/web_experiments/7/")
    assert error.response.status_code == status
    assert error.response.json() == body
    assert error.error is not None
    assert error.error.to_dict() == body


def test_error_str_reads_well() -> None:
    recorder = Recorder(
        status=400,
        body=error_body("validation_error", "required", "This field is required.", "variants"),
    )
    with (
        PostHogWebExperiments(
            **options(), http_client=httpx.Client(transport=httpx.MockTransport(recorder))
        ) as client,
        pytest.raises(ValidationError) as caught,
    ):
        client.create({"name": "x"})  # type: ignore[arg-type]  # the server's 400 is tested
    assert str(caught.value) == (
        "400 validation_error/required (attr 'variants'): This field is required. "
        f"[POST {HOST}/api/projects/1/web_experiments/]"
    )


async def test_non_json_error_body_still_raises_typed_error(kind: str) -> None:
    recorder = Recorder(status=502, body=b"<html>Bad gateway</html>")
    async with open_client(kind, handler=recorder, **options(max_retries=0)) as client:
        with pytest.raises(ServerError) as caught:
            await call(client, "retrieve", 7)
    error = caught.value
    assert (error.status_code, error.type, error.code, error.attr, error.error) == (
        502,
        None,
        None,
        None,
        None,
    )
    assert error.detail == "HTTP 502 Bad Gateway: <html>Bad gateway</html>"


@pytest.mark.parametrize(
    ("method", "args", "status", "body", "detail_start"),
    [
        pytest.param(
            "retrieve",
            (1,),
            200,
            {"id": 1},
            "Response body is not a valid WebExperiment: KeyError('name')",
            id="200-missing-fields",
        ),
        pytest.param(
            "retrieve",
            (1,),
            200,
            b"not json",
            "Response body is not a valid WebExperiment: JSONDecodeError",
            id="200-not-json",
        ),
        pytest.param(
            "list_page",
            (),
            200,
            {"count": 1, "next": None, "previous": None, "results": [{"id": 2}]},
            "Response body is not a valid PaginatedWebExperimentList",
            id="200-page-with-bad-item",
        ),
        pytest.param(
            "create",
            ({"name": "x", "variants": VARIANTS},),
            200,
            STD_EXPERIMENT,
            "HTTP 200 OK: {",
            id="create-answered-200-not-201",
        ),
        pytest.param("retrieve", (1,), 302, b"", "HTTP 302 Found", id="redirect-not-followed"),
    ],
)
async def test_undocumented_answers_raise_unexpected_response_error(
    kind: str, method: str, args: tuple[Any, ...], status: int, body: Any, detail_start: str
) -> None:
    recorder = Recorder(status=status, body=body)
    async with open_client(kind, handler=recorder, **options()) as client:
        with pytest.raises(UnexpectedResponseError) as caught:
            await call(client, method, *args)
    assert caught.value.status_code == status
    assert caught.value.detail.startswith(detail_start)
    assert caught.value.type is None


def test_context_manager_closes_owned_http_client_only() -> None:
    with PostHogWebExperiments(**options()) as owned:
        pool = owned.generated_client.get_httpx_client()
    assert pool.is_closed
    passed_in = httpx.Client()
    with PostHogWebExperiments(**options(), http_client=passed_in):
        pass
    assert not passed_in.is_closed
    passed_in.close()


async def test_async_context_manager_closes_owned_http_client() -> None:
    async with open_client("async", **options()) as client:
        pool = client.generated_client.get_async_httpx_client()
    assert pool.is_closed


def test_repr_never_shows_the_key() -> None:
    client = PostHogWebExperiments(**options())
    assert repr(client) == "PostHogWebExperiments(host='http://posthog.test', project_id='1')"
    assert KEY not in repr(client._settings)
    client.close()


def test_generated_client_uses_the_same_http_client() -> None:
    recorder = Recorder()
    http = httpx.Client(
        base_url=HOST, transport=httpx.MockTransport(recorder), headers={"X-Test": "1"}
    )
    with PostHogWebExperiments(**options(), http_client=http) as client:
        detailed = web_experiments_retrieve.sync_detailed("1", 1, client=client.generated_client)
    assert detailed.status_code == 200
    assert recorder.last.headers["X-Test"] == "1"
    http.close()


async def test_with_options_copies_defaults_and_shares_the_pool(kind: str) -> None:
    recorder = Recorder(body=PAGE)
    async with open_client(kind, handler=recorder, **options(max_retries=2)) as client:
        other = client.with_options(project_id=9, timeout=3.0, max_retries=0)
        await call(other, "list_page")
        await call(client, "list_page")
        assert (other.project_id, other.retry.max_retries, client.retry.max_retries) == ("9", 0, 2)
        assert other.generated_client is client.generated_client
        await call(other, "close")  # a copy never closes the shared pool
        await call(client, "list_page")
    paths = [r.url.path for r in recorder.requests]
    assert paths == [
        "/api/projects/9/web_experiments/",
        "/api/projects/1/web_experiments/",
        "/api/projects/1/web_experiments/",
    ]
    assert recorder.requests[0].extensions["timeout"]["read"] == 3.0
    assert recorder.requests[1].extensions["timeout"]["read"] == 30.0


def assert_sent_with_auth_and_user_agent(recorder: Recorder) -> None:
    request = recorder.last
    assert str(request.url) == f"{HOST}/api/projects/1/web_experiments/1/"
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert request.headers["User-Agent"] == USER_AGENT
    assert request.headers["X-Test"] == "1"


def test_generated_client_over_a_given_http_client_sends_auth_and_user_agent() -> None:
    recorder = Recorder()
    with (
        httpx.Client(transport=httpx.MockTransport(recorder), headers={"X-Test": "1"}) as http,
        PostHogWebExperiments(**options(), http_client=http) as client,
    ):
        detailed = web_experiments_retrieve.sync_detailed("1", 1, client=client.generated_client)
        assert not http.is_closed
    assert detailed.status_code == 200
    assert_sent_with_auth_and_user_agent(recorder)


async def test_async_generated_client_over_a_given_http_client_sends_auth_and_user_agent() -> None:
    recorder = Recorder()
    async with (
        httpx.AsyncClient(transport=httpx.MockTransport(recorder), headers={"X-Test": "1"}) as http,
        AsyncPostHogWebExperiments(**options(), http_client=http) as client,
    ):
        detailed = await web_experiments_retrieve.asyncio_detailed(
            "1", 1, client=client.generated_client
        )
        assert not http.is_closed
    assert detailed.status_code == 200
    assert_sent_with_auth_and_user_agent(recorder)


def test_generated_client_repr_never_shows_the_key() -> None:
    with PostHogWebExperiments(**options()) as client:
        shown = repr(client.generated_client)
    assert KEY not in shown
    assert shown == "AuthenticatedClient(base_url='http://posthog.test', token='[Filtered]')"
