"""List ordering, limit/offset fallbacks and absolute next/previous links (§7)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from posthog_mock.testing import MockServer
from tests.payloads import STD

P = "/api/projects/1/web_experiments/"


@pytest.fixture
def three(client: httpx.Client) -> list[dict[str, Any]]:
    """Three experiments, oldest first."""
    return [client.post(P, json={**STD, "name": f"e{i}"}).json() for i in range(3)]


def test_list_body_keys_in_drf_order(client: httpx.Client, three: list[dict[str, Any]]) -> None:
    body = client.get(P).json()

    assert list(body) == ["count", "next", "previous", "results"]
    assert body["count"] == 3
    assert body["next"] is None
    assert body["previous"] is None


def test_list_is_newest_first(client: httpx.Client, three: list[dict[str, Any]]) -> None:
    results = client.get(P).json()["results"]

    assert [e["name"] for e in results] == ["e2", "e1", "e0"]
    assert results[0] == three[2]


def test_empty_project_lists_nothing(client: httpx.Client) -> None:
    assert client.get(P).json() == {"count": 0, "next": None, "previous": None, "results": []}


@pytest.mark.parametrize(
    ("query", "names", "next_query", "previous_query"),
    [
        pytest.param("?limit=1", ["e2"], "limit=1&offset=1", None, id="first-page"),
        pytest.param("?limit=1&offset=1", ["e1"], "limit=1&offset=2", "limit=1", id="middle-page"),
        pytest.param("?limit=1&offset=2", ["e0"], None, "limit=1&offset=1", id="last-page"),
        pytest.param(
            "?offset=1&limit=2", ["e1", "e0"], None, "limit=2", id="offset-minus-limit-negative"
        ),
        pytest.param("?limit=2&offset=5", [], None, "limit=2&offset=3", id="past-the-end"),
        pytest.param("?limit=0", ["e2", "e1", "e0"], None, None, id="zero-limit-falls-back"),
        pytest.param("?limit=-3", ["e2", "e1", "e0"], None, None, id="negative-limit-falls-back"),
        pytest.param("?limit=abc", ["e2", "e1", "e0"], None, None, id="non-integer-limit"),
        pytest.param("?limit=1.5", ["e2", "e1", "e0"], None, None, id="float-limit"),
        pytest.param("?offset=-1", ["e2", "e1", "e0"], None, None, id="negative-offset"),
        pytest.param("?offset=x", ["e2", "e1", "e0"], None, None, id="non-integer-offset"),
        pytest.param(
            "?limit=1&limit=2", ["e2", "e1"], "limit=2&offset=2", None, id="last-repeated-wins"
        ),
        pytest.param(
            "?limit=1&offset=99999999999999999999999",
            [],
            None,
            "limit=1&offset=99999999999999999999998",
            id="huge-offset",
        ),
    ],
)
def test_list_pagination(
    client: httpx.Client,
    server: MockServer,
    three: list[dict[str, Any]],
    query: str,
    names: list[str],
    next_query: str | None,
    previous_query: str | None,
) -> None:
    body = client.get(P + query).json()

    base = f"{server.base_url}{P}"
    assert [e["name"] for e in body["results"]] == names
    assert body["next"] == (None if next_query is None else f"{base}?{next_query}")
    assert body["previous"] == (None if previous_query is None else f"{base}?{previous_query}")


def test_list_limit_beyond_64_bits_in_strict_mode_returns_400(
    strict_client: httpx.Client,
) -> None:
    variants = {"control": {"rollout_percentage": 100}}
    created = strict_client.post(P, json={"name": "one", "variants": variants})
    assert created.status_code == 201

    response = strict_client.get(P + "?limit=99999999999999999999999")

    assert response.status_code == 400
    assert response.json() == {
        "type": "validation_error",
        "code": "invalid_input",
        "detail": "Ensure this value is less than or equal to 9223372036854775807.",
        "attr": "limit",
    }


def test_links_keep_other_params_sorted(
    client: httpx.Client, server: MockServer, three: list[dict[str, Any]]
) -> None:
    body = client.get(P + "?zeta=1&limit=1&alpha=two+words&offset=1").json()

    base = f"{server.base_url}{P}"
    assert body["next"] == f"{base}?alpha=two+words&limit=1&offset=2&zeta=1"
    assert body["previous"] == f"{base}?alpha=two+words&limit=1&zeta=1"


def test_links_keep_the_request_path_form(
    client: httpx.Client, server: MockServer, three: list[dict[str, Any]]
) -> None:
    body = client.get("/api/projects/%40current/web_experiments?limit=1").json()

    assert (
        body["next"] == f"{server.base_url}/api/projects/@current/web_experiments?limit=1&offset=1"
    )


@pytest.mark.parametrize(
    ("headers", "origin"),
    [
        pytest.param({"Host": "example.com"}, "http://example.com", id="host"),
        pytest.param({"Host": "example.com:8443"}, "http://example.com:8443", id="host-port"),
        pytest.param({"X-Forwarded-Proto": "https"}, "https://{host}", id="forwarded-proto"),
        pytest.param(
            {"X-Forwarded-Proto": "https, http"}, "https://{host}", id="forwarded-proto-list"
        ),
        pytest.param({"X-Forwarded-Proto": "ftp"}, "http://{host}", id="forwarded-proto-other"),
        pytest.param(
            {"X-Forwarded-Host": "us.posthog.com", "X-Forwarded-Proto": "https"},
            "https://us.posthog.com",
            id="forwarded-host",
        ),
        pytest.param(
            {"X-Forwarded-Host": "a.example, b.example", "Host": "ignored"},
            "http://a.example",
            id="forwarded-host-first-of-list",
        ),
    ],
)
def test_links_use_request_host_and_forwarded_headers(
    client: httpx.Client,
    server: MockServer,
    three: list[dict[str, Any]],
    headers: dict[str, str],
    origin: str,
) -> None:
    body = client.get(P + "?limit=1", headers=headers).json()

    expected_origin = origin.format(host=f"127.0.0.1:{server.port}")
    assert body["next"] == f"{expected_origin}{P}?limit=1&offset=1"


def test_soft_deleted_experiment_hidden_from_list_but_retrievable(
    client: httpx.Client, anon: httpx.Client
) -> None:
    seeded = anon.post("/_mock/projects/1/web_experiments", json={**STD, "deleted": True}).json()

    assert client.get(P).json()["count"] == 0
    assert client.get(f"{P}{seeded['id']}/").status_code == 200


def test_product_experiment_is_invisible_to_web_endpoints(
    client: httpx.Client, anon: httpx.Client
) -> None:
    seeded = anon.post("/_mock/projects/1/web_experiments", json={**STD, "type": "product"}).json()

    assert client.get(P).json()["count"] == 0
    assert client.get(f"{P}{seeded['id']}/").status_code == 404


def test_seeded_created_at_orders_the_list(client: httpx.Client, anon: httpx.Client) -> None:
    client.post(P, json={**STD, "name": "now"})
    seeded = anon.post(
        "/_mock/projects/1/web_experiments",
        json={**STD, "name": "old", "created_at": "2020-01-01T00:00:00.000001Z"},
    )

    assert seeded.status_code == 201
    assert seeded.json()["created_at"] == "2020-01-01T00:00:00.000001Z"
    assert [e["name"] for e in client.get(P).json()["results"]] == ["now", "old"]
