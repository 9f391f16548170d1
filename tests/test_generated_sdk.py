"""The generated client sends PostHog's requests and parses its bodies (httpx.MockTransport)."""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import httpx
import pytest
from posthog_web_experiments_client import AuthenticatedClient
from posthog_web_experiments_client.api.web_experiments import (
    web_experiments_create,
    web_experiments_destroy,
    web_experiments_list,
    web_experiments_partial_update,
    web_experiments_retrieve,
    web_experiments_update,
)
from posthog_web_experiments_client.models import (
    Error,
    ErrorType,
    PaginatedWebExperimentList,
    WebExperiment,
    WebExperimentCreate,
    WebExperimentPartialUpdate,
    WebExperimentUpdate,
)

from .payloads import STD as STD_REQUEST
from .payloads import STD_RESPONSE

HOST = "https://us.posthog.com"
KEY = "phx_test_key"
RICH_VARIANTS: dict[str, Any] = {
    "control": {"rollout_percentage": 50, "conditions": None, "variant_name": "control"},
    "variant #1": {
        "rollout_percentage": 50,
        "is_new": True,
        "conditions": {
            "url": "https://example.com/pricing",
            "urlMatchType": "icontains",
            "utm": {"utm_source": "news", "utm_campaign": "spring"},
        },
        "transforms": [
            {
                "selector": "img.hero",
                "imgUrl": "https://cdn.example.com/hero.png",
                "css": "border: 1px solid red",
                "attributes": [{"name": "alt", "value": "Hero"}],
                "custom": {"kept": ["as", "sent"]},
            }
        ],
        "future_key": 7,
    },
}

Recorder = list[httpx.Request]


def serialised(experiment: dict[str, Any]) -> dict[str, Any]:
    """An experiment body as the models serialise it: Python writes UTC as +00:00, not Z."""
    return {**experiment, "created_at": experiment["created_at"].replace("Z", "+00:00")}


def client_answering(
    status: int, body: Any, recorded: Recorder, headers: dict[str, str] | None = None
) -> AuthenticatedClient:
    """A generated client whose transport records requests and answers status with body."""

    def handler(request: httpx.Request) -> httpx.Response:
        recorded.append(request)
        if body is None:
            return httpx.Response(status, headers=headers)
        return httpx.Response(status, json=body, headers=headers)

    return AuthenticatedClient(
        base_url=HOST, token=KEY, httpx_args={"transport": httpx.MockTransport(handler)}
    )


def sent_json(request: httpx.Request) -> Any:
    """The JSON body of a recorded request."""
    assert request.headers["content-type"] == "application/json"
    return json.loads(request.content)


def test_list_sends_limit_and_offset_and_parses_the_page() -> None:
    recorded: Recorder = []
    page = {
        "count": 3,
        "next": f"{HOST}/api/projects/1/web_experiments/?limit=1&offset=2",
        "previous": f"{HOST}/api/projects/1/web_experiments/?limit=1",
        "results": [STD_RESPONSE],
    }
    client = client_answering(200, page, recorded)
    response = web_experiments_list.sync_detailed("1", client=client, limit=1, offset=1)
    (request,) = recorded
    assert request.method == "GET"
    assert request.url == f"{HOST}/api/projects/1/web_experiments/?limit=1&offset=1"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert response.status_code == HTTPStatus.OK
    assert isinstance(response.parsed, PaginatedWebExperimentList)
    assert response.parsed.next_ == page["next"]
    assert response.parsed.results[0].id == 41
    assert response.parsed.to_dict() == {**page, "results": [serialised(STD_RESPONSE)]}


def test_list_without_paging_parameters_sends_no_query() -> None:
    recorded: Recorder = []
    empty: dict[str, Any] = {"count": 0, "next": None, "previous": None, "results": []}
    client = client_answering(200, empty, recorded)
    parsed = web_experiments_list.sync("@current", client=client)
    assert recorded[0].url == f"{HOST}/api/projects/%40current/web_experiments/"
    assert isinstance(parsed, PaginatedWebExperimentList)
    assert parsed.to_dict() == empty


def test_create_sends_only_writable_fields_and_parses_201() -> None:
    recorded: Recorder = []
    client = client_answering(201, STD_RESPONSE, recorded)
    body = WebExperimentCreate.from_dict(STD_REQUEST)
    response = web_experiments_create.sync_detailed("1", client=client, body=body)
    (request,) = recorded
    assert request.method == "POST"
    assert request.url == f"{HOST}/api/projects/1/web_experiments/"
    assert sent_json(request) == STD_REQUEST
    assert response.status_code == HTTPStatus.CREATED
    assert isinstance(response.parsed, WebExperiment)
    assert response.parsed.to_dict() == serialised(STD_RESPONSE)
    assert response.parsed.created_at.isoformat() == "2025-01-15T10:30:00.123456+00:00"


def test_retrieve_parses_every_conventional_and_unknown_variant_key() -> None:
    recorded: Recorder = []
    body = {**STD_RESPONSE, "variants": RICH_VARIANTS}
    client = client_answering(200, body, recorded)
    parsed = web_experiments_retrieve.sync("1", 41, client=client)
    assert recorded[0].method == "GET"
    assert recorded[0].url == f"{HOST}/api/projects/1/web_experiments/41/"
    assert isinstance(parsed, WebExperiment)
    test_variant = parsed.variants["variant #1"]
    assert test_variant.is_new is True
    assert test_variant.additional_properties == {"future_key": 7}
    assert parsed.variants["control"].variant_name == "control"
    assert parsed.to_dict() == serialised(body)


def test_update_sends_put_with_created_at() -> None:
    recorded: Recorder = []
    client = client_answering(200, STD_RESPONSE, recorded)
    payload = {**STD_REQUEST, "created_at": "2024-12-31T23:59:59.000001Z"}
    body = WebExperimentUpdate.from_dict(payload)
    parsed = web_experiments_update.sync("1", 41, client=client, body=body)
    (request,) = recorded
    assert request.method == "PUT"
    assert request.url == f"{HOST}/api/projects/1/web_experiments/41/"
    assert sent_json(request) == {**STD_REQUEST, "created_at": "2024-12-31T23:59:59.000001+00:00"}
    assert isinstance(parsed, WebExperiment)


def test_partial_update_sends_patch_with_required_variants() -> None:
    recorded: Recorder = []
    client = client_answering(200, STD_RESPONSE, recorded)
    body = WebExperimentPartialUpdate.from_dict({"variants": RICH_VARIANTS})
    web_experiments_partial_update.sync("1", 41, client=client, body=body)
    (request,) = recorded
    assert request.method == "PATCH"
    assert sent_json(request) == {"variants": RICH_VARIANTS}


def test_destroy_sends_delete_and_accepts_an_empty_204() -> None:
    recorded: Recorder = []
    client = client_answering(204, None, recorded)
    response = web_experiments_destroy.sync_detailed("1", 41, client=client)
    (request,) = recorded
    assert request.method == "DELETE"
    assert request.url == f"{HOST}/api/projects/1/web_experiments/41/"
    assert response.status_code == HTTPStatus.NO_CONTENT
    assert response.content == b""
    assert response.parsed is None


def test_async_create_matches_sync() -> None:
    import asyncio

    recorded: Recorder = []
    client = client_answering(201, STD_RESPONSE, recorded)
    body = WebExperimentCreate.from_dict(STD_REQUEST)
    parsed = asyncio.run(web_experiments_create.asyncio("1", client=client, body=body))
    assert isinstance(parsed, WebExperiment)
    assert sent_json(recorded[0]) == STD_REQUEST


ERRORS: list[tuple[int, dict[str, Any]]] = [
    (
        400,
        {
            "type": "validation_error",
            "code": "required",
            "detail": "This field is required.",
            "attr": "variants",
        },
    ),
    (
        400,
        {
            "type": "validation_error",
            "code": "invalid_input",
            "detail": "Experiment transform [$0] variant 'test' does not have a valid selector",
            "attr": None,
        },
    ),
    (
        400,
        {
            "type": "validation_error",
            "code": "invalid_input",
            "detail": "Invalid variant definitions: Variant rollout percentages must sum to 100.",
            "attr": "filters",
        },
    ),
    (
        400,
        {
            "type": "invalid_request",
            "code": "parse_error",
            "detail": "JSON parse error - Expecting value: line 1 column 1 (char 0)",
            "attr": None,
        },
    ),
    (
        401,
        {
            "type": "authentication_error",
            "code": "not_authenticated",
            "detail": "Authentication credentials were not provided.",
            "attr": None,
        },
    ),
    (
        401,
        {
            "type": "authentication_error",
            "code": "authentication_failed",
            "detail": "Personal API key found in request Authorization header is invalid.",
            "attr": None,
        },
    ),
    (
        403,
        {
            "type": "authentication_error",
            "code": "permission_denied",
            "detail": "API key missing required scope 'experiment:write'",
            "attr": None,
        },
    ),
    (
        404,
        {
            "type": "invalid_request",
            "code": "not_found",
            "detail": "Project not found.",
            "attr": None,
        },
    ),
    (
        415,
        {
            "type": "invalid_request",
            "code": "unsupported_media_type",
            "detail": 'Unsupported media type "text/plain" in request.',
            "attr": None,
        },
    ),
    (
        429,
        {
            "type": "throttled_error",
            "code": "throttled",
            "detail": "Request was throttled. Expected available in 12 seconds.",
            "attr": None,
        },
    ),
    (
        500,
        {
            "type": "server_error",
            "code": "error",
            "detail": "A server error occurred.",
            "attr": None,
        },
    ),
]
Call = Callable[[AuthenticatedClient], Any]
CALLS: list[tuple[str, Call]] = [
    (
        "create",
        lambda c: web_experiments_create.sync_detailed(
            "1", client=c, body=WebExperimentCreate.from_dict(STD_REQUEST)
        ),
    ),
    (
        "update",
        lambda c: web_experiments_update.sync_detailed(
            "1", 41, client=c, body=WebExperimentUpdate.from_dict(STD_REQUEST)
        ),
    ),
    (
        "partial_update",
        lambda c: web_experiments_partial_update.sync_detailed(
            "1", 41, client=c, body=WebExperimentPartialUpdate.from_dict(STD_REQUEST)
        ),
    ),
]


@pytest.mark.parametrize(
    ("status", "body"), [pytest.param(s, b, id=f"{s}-{b['code']}") for s, b in ERRORS]
)
@pytest.mark.parametrize(("name", "call"), [pytest.param(n, c, id=n) for n, c in CALLS])
def test_write_operations_parse_every_error_body(
    name: str, call: Call, status: int, body: dict[str, Any]
) -> None:
    recorded: Recorder = []
    response = call(client_answering(status, body, recorded))
    assert response.status_code == status
    assert isinstance(response.parsed, Error)
    assert response.parsed.type_ == ErrorType(body["type"])
    assert response.parsed.to_dict() == body


@pytest.mark.parametrize(
    ("status", "body"),
    [
        pytest.param(s, b, id=f"{s}-{b['code']}")
        for s, b in ERRORS
        if s in {401, 403, 404, 429, 500}
    ],
)
def test_read_and_delete_operations_parse_error_bodies(status: int, body: dict[str, Any]) -> None:
    recorded: Recorder = []
    client = client_answering(status, body, recorded)
    for response in (
        web_experiments_list.sync_detailed("1", client=client),
        web_experiments_retrieve.sync_detailed("1", 41, client=client),
        web_experiments_destroy.sync_detailed("1", 41, client=client),
    ):
        assert response.status_code == status
        assert isinstance(response.parsed, Error)
        assert response.parsed.to_dict() == body
