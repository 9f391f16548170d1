"""The request journal: what was received, masked, filtered, bounded and asserted on."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest

from posthog_mock.journal import mask_header, mask_key
from posthog_mock.testing import MockServer
from posthog_mock.verification import RequestAssertionError

LIST = "/api/projects/@current/web_experiments/"
BODY = {"name": "Journaled", "variants": {"control": {"rollout_percentage": 100}}}


def test_journal_records_method_path_query_headers_body_status_duration(
    server: MockServer, client: httpx.Client
) -> None:
    client.post(LIST, json=BODY, params={"a": "1"}, headers={"X-Trace": "t-1"})

    (entry,) = client.get("/_mock/requests").json()["results"]

    assert entry["method"] == "POST"
    assert entry["path"] == LIST
    assert entry["query"] == "a=1"
    assert entry["headers"]["x-trace"] == "t-1"
    assert entry["headers"]["authorization"] == "Bearer phx_…_key"
    assert entry["body"] == httpx.Request("POST", "/", json=BODY).content.decode()
    assert entry["body_size"] == len(entry["body"])
    assert entry["status"] == 201
    assert entry["duration_ms"] > 0
    assert entry["fault"] is None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z", entry["time"])


def test_journal_masks_keys_in_query_strings(server: MockServer, client: httpx.Client) -> None:
    client.get(LIST, params={"personal_api_key": "phx_secretsecret1234", "limit": "1"})

    (entry,) = server.requests

    assert entry.query == "personal_api_key=phx_%E2%80%A6" + "1234&limit=1"


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        pytest.param("authorization", "Bearer phx_abcdefgh1234", "Bearer phx_…1234", id="bearer"),
        pytest.param("authorization", "Bearer short", "Bearer …", id="short"),
        pytest.param("x-api-key", "sk-averylongsecret9876", "…9876", id="no-prefix"),
        pytest.param("accept", "application/json", "application/json", id="not-a-key"),
    ],
)
def test_mask_header(name: str, value: str, shown: str) -> None:
    assert mask_header(name, value) == shown


def test_mask_key_keeps_a_short_prefix_only() -> None:
    assert mask_key("phc_project_token_abcd") == "phc_…abcd"
    assert mask_key("averyverylongprefix_abcd") == "…abcd"


def test_mock_endpoints_are_not_journaled(server: MockServer, client: httpx.Client) -> None:
    client.get("/_mock/health")
    client.get(LIST)

    assert [r.path for r in server.requests] == [LIST]


def test_filters_by_method_path_status_and_limit(server: MockServer, client: httpx.Client) -> None:
    created = client.post(LIST, json=BODY).json()
    detail = f"{LIST}{created['id']}/"
    client.get(detail)
    client.get(f"{LIST}999999/")
    client.get(LIST)

    def paths(**query: str) -> list[str]:
        response = client.get("/_mock/requests", params=query)
        assert response.status_code == 200, response.text
        return [entry["path"] for entry in response.json()["results"]]

    assert paths(method="get") == [detail, f"{LIST}999999/", LIST]
    assert paths(path=detail) == [detail]
    assert paths(path="*/web_experiments/*/") == [detail, f"{LIST}999999/"]
    assert paths(status="404") == [f"{LIST}999999/"]
    assert paths(limit="2") == [f"{LIST}999999/", LIST]
    assert paths(method="GET", limit="0") == []


@pytest.mark.parametrize(
    ("query", "attr", "detail"),
    [
        pytest.param(
            {"status": "ok"}, "status", "status must be a non-negative integer, got 'ok'.", id="st"
        ),
        pytest.param(
            {"limit": "-1"}, "limit", "limit must be a non-negative integer, got '-1'.", id="lim"
        ),
        pytest.param(
            {"verb": "GET"},
            "verb",
            "Unknown filter 'verb' (filters: method, path, status, limit).",
            id="unknown",
        ),
    ],
)
def test_bad_filter_is_400_naming_it(
    client: httpx.Client, query: dict[str, str], attr: str, detail: str
) -> None:
    response = client.get("/_mock/requests", params=query)

    assert response.status_code == 400
    assert response.json() == {
        "type": "validation_error",
        "code": "invalid_input",
        "detail": detail,
        "attr": attr,
    }


def test_reset_and_delete_clear_the_journal(server: MockServer, client: httpx.Client) -> None:
    client.get(LIST)
    server.reset()
    assert server.requests == []

    client.get(LIST)
    server.clear_requests()
    assert client.get("/_mock/requests").json()["total"] == 0


def test_journal_is_a_ring_buffer_counting_what_it_dropped(
    posthog_mock_factory: Callable[..., MockServer],
) -> None:
    server = posthog_mock_factory(
        config='[server]\njournal_size = 3\n\n[[projects]]\nid = 1\n\n[[keys]]\nvalue = "phx_k"\n'
    )
    server.reset()
    with httpx.Client(base_url=server.base_url, headers={"Authorization": "Bearer phx_k"}) as http:
        for limit in range(5):
            http.get(LIST, params={"limit": str(limit + 1)})
        journal = http.get("/_mock/requests").json()

    assert [entry["query"] for entry in journal["results"]] == ["limit=3", "limit=4", "limit=5"]
    assert (journal["total"], journal["dropped"], journal["capacity"]) == (5, 2, 3)


def test_assert_requested_returns_the_matches(server: MockServer, client: httpx.Client) -> None:
    client.post(LIST, json=BODY)
    client.get(LIST)

    (match,) = server.assert_requested("POST", LIST, json=BODY, count=1)

    assert match.json() == BODY
    assert server.assert_requested(path=f"{server.base_url}{LIST}", count=2)
    server.assert_requested("DELETE", count=0)


def test_assert_requested_failure_shows_the_closest_and_what_was_received(
    server: MockServer, client: httpx.Client
) -> None:
    client.post(LIST, json=BODY)
    client.get(LIST, params={"limit": "5"})

    with pytest.raises(RequestAssertionError) as caught:
        server.assert_requested("POST", LIST, json={"name": "Other"})

    assert str(caught.value) == (
        f'expected at least 1 request(s) POST {LIST} with JSON body {{"name": "Other"}}, found 0.\n'
        f"Closest: 1. POST {LIST} -> 201  "
        '{"name":"Journaled","variants":{"control":{"rollout_percentage":100}}}\n'
        '  - name: expected "Other", got "Journaled"\n'
        "  - variants: not expected\n"
        "The mock received 2:\n"
        f"  1. POST {LIST} -> 201  "
        '{"name":"Journaled","variants":{"control":{"rollout_percentage":100}}}\n'
        f"  2. GET {LIST}?limit=5 -> 200"
    )


def test_assert_requested_count_mismatch_and_empty_journal(server: MockServer) -> None:
    with pytest.raises(RequestAssertionError) as caught:
        server.assert_requested("GET", count=2)

    assert str(caught.value) == (
        "expected exactly 2 request(s) GET, found 0.\nThe mock received no requests."
    )


def test_faulted_requests_are_journaled_with_their_fault(
    server: MockServer, client: httpx.Client
) -> None:
    server.add_fault("empty", times=1)
    server.add_fault("status", status=503, times=1)
    with pytest.raises(httpx.RemoteProtocolError):
        client.get(LIST)
    client.get(LIST)
    client.get(LIST)

    assert [(r.status, r.fault) for r in server.requests] == [
        (None, "empty"),
        (503, "status"),
        (200, None),
    ]
    assert server.requests[0].describe() == f"GET {LIST} -> no answer (fault: empty)"
