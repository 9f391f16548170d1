"""End to end over real HTTP against the mock server: lifecycle, pagination, errors, env config."""

from __future__ import annotations

import re
from typing import Any

import pytest

from posthog_mock.testing import MockServer
from posthog_web_experiments import (
    APIError,
    AuthenticationError,
    ControlVariant,
    NotFoundError,
    PostHogWebExperiments,
    ValidationError,
    WebExperiment,
    WebExperimentPartialUpdate,
    WebExperimentVariants,
)

from ..payloads import STD
from .conftest import api_key_of, call, collect, open_client

pytestmark = pytest.mark.anyio

CONTROL_ONLY: dict[str, Any] = {"control": {"rollout_percentage": 100}}
FLAG_KEY = re.compile(r"zero-to-web-experiment-web-experiment-feature-[0-9a-f]{10}")


async def test_lifecycle_create_read_list_update_patch_delete(
    kind: str, mock_options: dict[str, Any]
) -> None:
    async with open_client(kind, **mock_options) as client:
        created = await call(client, "create", STD)
        assert isinstance(created, WebExperiment)
        assert created.name == STD["name"]
        assert FLAG_KEY.fullmatch(created.feature_flag_key)
        # Responses put rollout_percentage first; the content round-trips.
        assert created.variants.to_dict() == STD["variants"]

        assert await call(client, "retrieve", created.id) == created
        page = await call(client, "list_page")
        assert (page.count, [e.id for e in page.results]) == (1, [created.id])

        updated = await call(
            client, "update", created.id, {"name": "Renamed", "variants": CONTROL_ONLY}
        )
        assert (updated.name, updated.feature_flag_key) == ("Renamed", created.feature_flag_key)
        assert updated.variants.to_dict() == CONTROL_ONLY

        patch = WebExperimentPartialUpdate(
            variants=WebExperimentVariants(control=ControlVariant(rollout_percentage=100)),
            name="Patched",
        )
        patched = await call(client, "partial_update", created.id, patch)
        assert (patched.id, patched.name) == (created.id, "Patched")

        assert await call(client, "delete", created.id) is None
        with pytest.raises(NotFoundError) as caught:
            await call(client, "retrieve", created.id)
    assert caught.value.error is not None
    assert caught.value.error.to_dict() == {
        "type": "invalid_request",
        "code": "not_found",
        "detail": "Not found.",
        "attr": None,
    }


async def test_pagination_walks_250_experiments_7_per_page(
    kind: str, mock_options: dict[str, Any]
) -> None:
    async with open_client(kind, **mock_options) as client:
        for n in range(250):
            await call(client, "create", {"name": f"exp {n}", "variants": CONTROL_ONLY})
        experiments = await collect(client.iter_experiments(limit=7))
        pages = await collect(client.iter_pages(limit=7))
    assert len(experiments) == 250
    assert len({e.id for e in experiments}) == 250
    created_at = [e.created_at for e in experiments]
    assert created_at == sorted(created_at, reverse=True)
    assert [len(p.results) for p in pages] == [7] * 35 + [5]
    assert {p.count for p in pages} == {250}
    assert pages[-1].next_ is None
    assert [e.id for p in pages for e in p.results] == [e.id for e in experiments]


def api_error(type_: str, code: str, detail: str, attr: str | None = None) -> dict[str, Any]:
    return {"type": type_, "code": code, "detail": detail, "attr": attr}


ERROR_CASES = [
    pytest.param(
        "create",
        ({"name": "x", "variants": {"test": {"rollout_percentage": 100}}},),
        {},
        ValidationError,
        400,
        "POST",
        "",
        api_error(
            "validation_error", "invalid_input", "Experiment should contain a control variant"
        ),
        id="400-no-control-variant",
    ),
    pytest.param(
        "create",
        ({"name": "x"},),
        {},
        ValidationError,
        400,
        "POST",
        "",
        api_error("validation_error", "required", "This field is required.", "variants"),
        id="400-variants-required",
    ),
    pytest.param(
        "create",
        (
            {
                "name": "x",
                "variants": {
                    "control": {"rollout_percentage": 50},
                    "test": {"rollout_percentage": 30},
                },
            },
        ),
        {},
        ValidationError,
        400,
        "POST",
        "",
        api_error(
            "validation_error",
            "invalid_input",
            "Invalid variant definitions: Variant rollout percentages must sum to 100.",
            "filters",
        ),
        id="400-split-not-100",
    ),
    pytest.param(
        "retrieve",
        (999_999,),
        {},
        NotFoundError,
        404,
        "GET",
        "999999/",
        api_error("invalid_request", "not_found", "Not found."),
        id="404-unknown-experiment",
    ),
    pytest.param(
        "list_page",
        (),
        {"project_id": 987_654},
        NotFoundError,
        404,
        "GET",
        "",
        api_error("invalid_request", "not_found", "Project not found."),
        id="404-unknown-project",
    ),
]


@pytest.mark.parametrize(
    ("method", "args", "kwargs", "error_class", "status", "http_method", "path_end", "body"),
    ERROR_CASES,
)
async def test_errors_raise_typed_exceptions_with_posthog_fields(
    kind: str,
    mock_server: MockServer,
    mock_options: dict[str, Any],
    method: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    error_class: type[APIError],
    status: int,
    http_method: str,
    path_end: str,
    body: dict[str, Any],
) -> None:
    async with open_client(kind, **mock_options) as client:
        with pytest.raises(APIError) as caught:
            await call(client, method, *args, **kwargs)
    error = caught.value
    project = kwargs.get("project_id", mock_server.project_id)
    assert type(error) is error_class
    assert error.response.json() == body
    assert (error.status_code, error.type, error.code, error.detail, error.attr) == (
        status,
        body["type"],
        body["code"],
        body["detail"],
        body["attr"],
    )
    assert (error.method, error.url) == (
        http_method,
        f"{mock_server.base_url}/api/projects/{project}/web_experiments/{path_end}",
    )


@pytest.mark.parametrize(
    "size", [pytest.param(2 * 1024 * 1024, id="2MiB"), pytest.param(20 * 1024 * 1024, id="20MiB")]
)
async def test_create_over_the_body_limit_raises_api_error_413(
    kind: str, mock_server: MockServer, mock_options: dict[str, Any], size: int
) -> None:
    body = api_error("invalid_request", "payload_too_large", "Request body exceeded 1048576 bytes.")
    async with open_client(kind, **mock_options) as client:
        # Repeated: a mock closing before the upload ends used to surface as a reset instead.
        for _ in range(3):
            with pytest.raises(APIError) as caught:
                await call(client, "create", {"name": "x" * size, "variants": CONTROL_ONLY})
            error = caught.value
            assert type(error) is APIError
            assert error.response.json() == body
            assert (error.status_code, error.type, error.code, error.detail, error.attr) == (
                413,
                "invalid_request",
                "payload_too_large",
                body["detail"],
                None,
            )
            assert (error.method, error.url) == (
                "POST",
                f"{mock_server.base_url}/api/projects/{mock_server.project_id}/web_experiments/",
            )
        assert (await call(client, "list_page")).count == 0


async def test_unknown_key_raises_authentication_error(
    kind: str, mock_options: dict[str, Any]
) -> None:
    async with open_client(kind, **{**mock_options, "api_key": "phx_not_a_real_key"}) as client:
        with pytest.raises(AuthenticationError) as caught:
            await call(client, "list_page")
    assert caught.value.response.json() == api_error(
        "authentication_error",
        "authentication_failed",
        "Personal API key found in request Authorization header is invalid.",
    )
    assert caught.value.status_code == 401


async def test_client_from_env_talks_to_the_configured_host(
    kind: str, mock_server: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSTHOG_HOST", mock_server.base_url)
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", api_key_of(mock_server))
    monkeypatch.setenv("POSTHOG_PROJECT_ID", str(mock_server.project_id))
    async with open_client(kind) as client:
        created = await call(client, "create", {"name": "from env", "variants": CONTROL_ONLY})
        assert (await call(client, "retrieve", created.id)).name == "from env"
    assert client.host == mock_server.base_url


def test_current_project_alias_reaches_the_key_owners_project(
    mock_server: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSTHOG_HOST", mock_server.base_url)
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", api_key_of(mock_server))
    monkeypatch.delenv("POSTHOG_PROJECT_ID", raising=False)
    with PostHogWebExperiments.from_env() as client:
        assert client.project_id == "@current"
        created = client.create({"name": "current", "variants": CONTROL_ONLY})
        assert client.retrieve(created.id, project_id=mock_server.project_id) == created
