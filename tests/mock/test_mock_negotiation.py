"""Content negotiation, Origin, CORS and stored key order, as recorded on PostHog (parity/)."""

from __future__ import annotations

import httpx
import pytest

from posthog_mock.errors import NO_TEMPORARY_TOKEN
from tests.mock.helpers import err

P = "/api/projects/1/web_experiments/"
NOT_ACCEPTABLE = err(
    "invalid_request", "not_acceptable", "Could not satisfy the request Accept header."
)


@pytest.mark.parametrize(
    ("accept", "status"),
    [
        pytest.param("application/json", 200, id="json"),
        pytest.param("*/*", 200, id="anything"),
        pytest.param("application/*", 200, id="application-any"),
        pytest.param("text/html,application/xml;q=0.9,*/*;q=0.8", 200, id="browser"),
        pytest.param("application/json; version=2", 200, id="json-with-parameter"),
        pytest.param("text/html", 406, id="html"),
        pytest.param("application/xml", 406, id="xml"),
    ],
)
def test_accept_header_is_negotiated(client: httpx.Client, accept: str, status: int) -> None:
    response = client.get(P, headers={"Accept": accept})

    assert response.status_code == status
    if status == 406:
        assert response.json() == NOT_ACCEPTABLE


def test_not_acceptable_comes_before_authentication(anon: httpx.Client) -> None:
    response = anon.get(P, headers={"Accept": "application/xml"})

    assert (response.status_code, response.json()) == (406, NOT_ACCEPTABLE)


@pytest.mark.parametrize(
    ("query", "status"),
    [
        pytest.param("format=json", 200, id="json"),
        pytest.param("format=", 200, id="empty"),
        pytest.param("format=xml&format=json", 200, id="last-value-counts"),
        pytest.param("format=api", 404, id="api"),
        pytest.param("format=JSON", 404, id="case-sensitive"),
    ],
)
def test_format_query_parameter_is_negotiated(
    client: httpx.Client, query: str, status: int
) -> None:
    response = client.get(f"{P}?{query}")

    assert response.status_code == status
    if status == 404:
        assert response.json() == err("invalid_request", "not_found", "Not found.")


def test_foreign_origin_without_temporary_token_returns_401_even_with_a_valid_key(
    client: httpx.Client,
) -> None:
    response = client.get(P, headers={"Origin": "https://app.example.com"})

    assert response.status_code == 401
    assert response.json() == err(
        "authentication_error", "authentication_failed", NO_TEMPORARY_TOKEN
    )
    assert response.headers["access-control-allow-origin"] == "*"


def test_own_origin_passes(client: httpx.Client) -> None:
    response = client.get(P, headers={"Origin": f"http://{client.base_url.netloc.decode()}"})

    assert response.status_code == 200


def test_temporary_token_of_no_user_returns_401(client: httpx.Client) -> None:
    response = client.get(f"{P}?temporary_token=abc")

    assert response.json() == err(
        "authentication_error", "authentication_failed", "User doesn't exist"
    )


def test_cors_preflight_returns_200_html_with_cors_headers(anon: httpx.Client) -> None:
    response = anon.options(
        P,
        headers={"Origin": "https://app.example.com", "Access-Control-Request-Method": "POST"},
    )

    assert (response.status_code, response.content) == (200, b"")
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["access-control-allow-origin"] == "*"
    assert (
        response.headers["access-control-allow-methods"] == "DELETE, GET, OPTIONS, PATCH, POST, PUT"
    )
    assert response.headers["access-control-max-age"] == "86400"


def test_variants_read_back_in_jsonb_key_order_write_answer_in_request_order(
    client: httpx.Client,
) -> None:
    variant = {"variant_name": "C", "is_new": False, "rollout_percentage": 100, "conditions": None}
    created = client.post(P, json={"name": "Key order", "variants": {"control": variant}})

    read = client.get(f"{P}{created.json()['id']}/")

    assert list(created.json()["variants"]["control"]) == [
        "rollout_percentage", "variant_name", "is_new", "conditions",
    ]  # fmt: skip
    assert list(read.json()["variants"]["control"]) == [
        "rollout_percentage", "is_new", "conditions", "variant_name",
    ]  # fmt: skip


def test_empty_variant_name_is_never_shown(client: httpx.Client) -> None:
    variants = {"control": {"rollout_percentage": 50}, "": {"rollout_percentage": 50}}

    created = client.post(P, json={"name": "Empty name", "variants": variants})

    assert created.status_code == 201
    assert created.json()["variants"] == {"control": {"rollout_percentage": 50}}
