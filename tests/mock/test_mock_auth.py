"""Authentication, scopes, projects and the order of checks (reference §8, §9)."""

from __future__ import annotations

import httpx
import pytest

from posthog_mock.testing import MockServer
from tests.mock.helpers import err
from tests.payloads import STD

NOT_AUTHENTICATED = err(
    "authentication_error", "not_authenticated", "Authentication credentials were not provided."
)
PROJECT_NOT_FOUND = err("invalid_request", "not_found", "Project not found.")
MISSING_WRITE = err(
    "authentication_error", "permission_denied", "API key missing required scope 'experiment:write'"
)
MISSING_READ = err(
    "authentication_error", "permission_denied", "API key missing required scope 'experiment:read'"
)
UNSUPPORTED = err(
    "authentication_error",
    "permission_denied",
    "This action does not support personal API key access",
)


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def invalid_key(source: str) -> dict[str, str | None]:
    return err(
        "authentication_error",
        "authentication_failed",
        f"Personal API key found in request {source} is invalid.",
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        pytest.param("GET", "/api/projects/1/web_experiments/", id="list"),
        pytest.param("POST", "/api/projects/1/web_experiments/", id="create"),
        pytest.param("GET", "/api/projects/1/web_experiments/1/", id="retrieve"),
        pytest.param("PUT", "/api/projects/1/web_experiments/1/", id="update"),
        pytest.param("PATCH", "/api/projects/1/web_experiments/1/", id="partial-update"),
        pytest.param("DELETE", "/api/projects/1/web_experiments/1/", id="destroy"),
    ],
)
def test_request_without_credentials_returns_401_with_www_authenticate(
    anon: httpx.Client, server: MockServer, method: str, path: str
) -> None:
    response = anon.request(method, path)

    assert response.status_code == 401
    assert response.json() == NOT_AUTHENTICATED
    assert response.headers["www-authenticate"] == (
        f'Bearer resource_metadata="{server.base_url}/.well-known/oauth-protected-resource"'
    )


def test_401_www_authenticate_is_pinned_to_the_site_url(
    anon: httpx.Client, server: MockServer
) -> None:
    # PostHog pins it to SITE_URL: neither Host nor X-Forwarded-* steer the discovery hint.
    response = anon.get(
        "/api/projects/1/web_experiments/",
        headers={
            "Host": "attacker.example",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "eu.example.com",
        },
    )

    assert response.headers["www-authenticate"] == (
        f'Bearer resource_metadata="{server.base_url}/.well-known/oauth-protected-resource"'
    )


@pytest.mark.parametrize(
    ("kwargs", "source"),
    [
        pytest.param({"headers": bearer("phx_unknown")}, "Authorization header", id="header"),
        pytest.param({"json": {"personal_api_key": "phx_unknown"}}, "body", id="body"),
        pytest.param({"params": {"personal_api_key": "phx_unknown"}}, "query string", id="query"),
        pytest.param({"params": {"personal_api_key": ""}}, "query string", id="empty-query"),
    ],
)
def test_unknown_key_returns_401_naming_its_source(
    anon: httpx.Client, kwargs: dict[str, object], source: str
) -> None:
    response = anon.request("POST", "/api/projects/1/web_experiments/", **kwargs)  # type: ignore[arg-type]

    assert response.status_code == 401
    assert response.json() == invalid_key(source)
    assert "www-authenticate" in response.headers


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"json": {**STD, "personal_api_key": "phx_mock_default_key"}}, id="body"),
        pytest.param(
            {"json": STD, "params": {"personal_api_key": "phx_mock_default_key"}}, id="query"
        ),
        pytest.param(
            {
                "data": {
                    "name": "f",
                    "variants": '{"control":{"rollout_percentage":100}}',
                    "personal_api_key": "phx_mock_default_key",
                }
            },
            id="form-body",
        ),
    ],
)
def test_key_from_body_or_query_authenticates(
    anon: httpx.Client, kwargs: dict[str, object]
) -> None:
    response = anon.request("POST", "/api/projects/1/web_experiments/", **kwargs)  # type: ignore[arg-type]

    assert response.status_code == 201


def test_header_key_wins_over_body_and_query(anon: httpx.Client) -> None:
    response = anon.post(
        "/api/projects/1/web_experiments/",
        json={**STD, "personal_api_key": "phx_unknown"},
        params={"personal_api_key": "phx_unknown2"},
        headers=bearer("phx_mock_default_key"),
    )

    assert response.status_code == 201


def test_body_key_wins_over_query_key(anon: httpx.Client) -> None:
    response = anon.post(
        "/api/projects/1/web_experiments/",
        json={**STD, "personal_api_key": "phx_unknown"},
        params={"personal_api_key": "phx_mock_default_key"},
    )

    assert response.json() == invalid_key("body")


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("bearer phx_mock_default_key", id="lowercase-bearer"),
        pytest.param("Token phx_mock_default_key", id="other-scheme"),
        pytest.param("Bearer x", id="one-character-key"),
        pytest.param("phx_mock_default_key", id="no-scheme"),
    ],
)
def test_malformed_authorization_header_counts_as_no_credentials(
    anon: httpx.Client, header: str
) -> None:
    response = anon.get("/api/projects/1/web_experiments/", headers={"Authorization": header})

    assert response.status_code == 401
    assert response.json() == NOT_AUTHENTICATED


@pytest.mark.parametrize(
    "project",
    [
        pytest.param("999", id="unknown"),
        pytest.param("abc", id="non-numeric"),
        pytest.param("-1", id="negative"),
        pytest.param("current", id="current-without-at"),
        pytest.param("99999999999999999999999", id="huge"),
    ],
)
@pytest.mark.parametrize("suffix", ["", "1/"])
def test_unknown_project_returns_404_project_not_found(
    client: httpx.Client, project: str, suffix: str
) -> None:
    response = client.get(f"/api/projects/{project}/web_experiments/{suffix}")

    assert response.status_code == 404
    assert response.json() == PROJECT_NOT_FOUND


@pytest.mark.parametrize(
    ("key", "method", "status", "body"),
    [
        pytest.param("phx_read", "GET", 200, None, id="read-key-reads"),
        pytest.param("phx_read", "POST", 403, MISSING_WRITE, id="read-key-cannot-write"),
        pytest.param("phx_write", "GET", 200, None, id="write-implies-read"),
        pytest.param("phx_write", "POST", 201, None, id="write-key-writes"),
        pytest.param("phx_flag_read", "GET", 403, MISSING_READ, id="other-scopes-cannot-read"),
        pytest.param("phx_flag_read", "POST", 403, MISSING_WRITE, id="other-scopes-cannot-write"),
        pytest.param("phx_none", "GET", 200, None, id="legacy-no-scopes-reads"),
        pytest.param("phx_none", "POST", 201, None, id="legacy-no-scopes-writes"),
        pytest.param("phx_all", "POST", 201, None, id="star-grants-everything"),
    ],
)
def test_scopes_decide_access(
    multi_client: httpx.Client, key: str, method: str, status: int, body: object
) -> None:
    response = multi_client.request(
        method, "/api/projects/1/web_experiments/", json=STD, headers=bearer(key)
    )

    assert response.status_code == status
    if body is not None:
        assert response.json() == body


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        pytest.param("PUT", "", id="put-collection"),
        pytest.param("DELETE", "", id="delete-collection"),
        pytest.param("POST", "1/", id="post-detail"),
        pytest.param("TRACE", "", id="trace"),
        pytest.param("FOO", "1/", id="made-up-method"),
    ],
)
def test_undocumented_method_returns_403_for_personal_keys(
    client: httpx.Client, method: str, suffix: str
) -> None:
    response = client.request(method, f"/api/projects/1/web_experiments/{suffix}")

    assert response.status_code == 403
    assert response.json() == UNSUPPORTED


def test_undocumented_method_without_key_returns_401(anon: httpx.Client) -> None:
    response = anon.request("PUT", "/api/projects/1/web_experiments/")

    assert response.json() == NOT_AUTHENTICATED


def test_project_limited_key_on_other_project_returns_403(multi_client: httpx.Client) -> None:
    response = multi_client.get("/api/projects/1/web_experiments/", headers=bearer("phx_only_two"))

    assert response.status_code == 403
    assert response.json() == err(
        "authentication_error",
        "permission_denied",
        "API key does not have access to the requested project: ID 1.",
    )


def test_project_limited_key_on_its_project_returns_200(multi_client: httpx.Client) -> None:
    response = multi_client.get("/api/projects/2/web_experiments/", headers=bearer("phx_only_two"))

    assert response.status_code == 200


def test_inaccessible_project_returns_403_no_access(multi_client: httpx.Client) -> None:
    response = multi_client.get("/api/projects/3/web_experiments/", headers=bearer("phx_all"))

    assert response.status_code == 403
    assert response.json() == err(
        "authentication_error", "permission_denied", "You don't have access to the project."
    )


@pytest.mark.parametrize(
    ("key", "project"),
    [
        pytest.param("phx_all", 1, id="default-first-project"),
        pytest.param("phx_only_two", 2, id="first-of-limited-projects"),
        pytest.param("phx_current_two", 2, id="explicit-current-project"),
    ],
)
def test_at_current_resolves_to_the_keys_current_project(
    multi_client: httpx.Client, key: str, project: int
) -> None:
    created = multi_client.post(
        "/api/projects/@current/web_experiments/", json=STD, headers=bearer(key)
    ).json()

    listed = multi_client.get(
        f"/api/projects/{project}/web_experiments/", headers=bearer("phx_all")
    ).json()
    assert [e["id"] for e in listed["results"]] == [created["id"]]


def test_experiment_of_other_project_returns_404(multi_client: httpx.Client) -> None:
    created = multi_client.post(
        "/api/projects/2/web_experiments/", json=STD, headers=bearer("phx_all")
    ).json()

    response = multi_client.get(
        f"/api/projects/1/web_experiments/{created['id']}/", headers=bearer("phx_all")
    )

    assert response.status_code == 404
    assert response.json() == err("invalid_request", "not_found", "Not found.")


@pytest.mark.parametrize(
    ("key", "path", "method", "expected_status", "expected"),
    [
        pytest.param(
            "phx_unknown",
            "/api/projects/999/web_experiments/",
            "POST",
            401,
            invalid_key("Authorization header"),
            id="401-before-404",
        ),
        pytest.param(
            "phx_read",
            "/api/projects/999/web_experiments/",
            "POST",
            404,
            PROJECT_NOT_FOUND,
            id="404-project-before-403-scope",
        ),
        pytest.param(
            "phx_flag_read",
            "/api/projects/3/web_experiments/",
            "GET",
            403,
            MISSING_READ,
            id="scope-before-project-access",
        ),
        pytest.param(
            "phx_read",
            "/api/projects/1/web_experiments/999/",
            "DELETE",
            403,
            MISSING_WRITE,
            id="403-scope-before-404-object",
        ),
        pytest.param(
            "phx_only_two",
            "/api/projects/1/web_experiments/",
            "PUT",
            403,
            err(
                "authentication_error",
                "permission_denied",
                "This action does not support personal API key access",
            ),
            id="unsupported-method-before-project-limit",
        ),
        pytest.param(
            "phx_none",
            "/api/projects/999/web_experiments/",
            "PUT",
            404,
            PROJECT_NOT_FOUND,
            id="legacy-key-project-before-405",
        ),
        pytest.param(
            "phx_none",
            "/api/projects/1/web_experiments/",
            "PUT",
            405,
            err("invalid_request", "method_not_allowed", 'Method "PUT" not allowed.'),
            id="legacy-key-unsupported-method-405",
        ),
        pytest.param(
            "phx_write",
            "/api/projects/1/web_experiments/999/",
            "PATCH",
            404,
            err("invalid_request", "not_found", "Not found."),
            id="404-object-before-400-validation",
        ),
    ],
)
def test_checks_run_in_posthog_order(
    multi_client: httpx.Client,
    key: str,
    path: str,
    method: str,
    expected_status: int,
    expected: object,
) -> None:
    response = multi_client.request(method, path, json={"name": ""}, headers=bearer(key))

    assert response.status_code == expected_status
    assert response.json() == expected


@pytest.mark.parametrize(
    ("key", "path", "method"),
    [
        pytest.param("phx_read", "/api/projects/1/web_experiments/", "POST", id="before-scope"),
        pytest.param("phx_all", "/api/projects/999/web_experiments/", "POST", id="before-project"),
        pytest.param("phx_all", "/api/projects/1/web_experiments/999/", "PATCH", id="before-404"),
        pytest.param("phx_all", "/api/projects/1/web_experiments/", "GET", id="on-get"),
    ],
)
def test_with_valid_key_malformed_body_returns_400_before_other_checks(
    multi_client: httpx.Client, key: str, path: str, method: str
) -> None:
    response = multi_client.request(
        method,
        path,
        content=b'{"a":',
        headers={**bearer(key), "Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert response.json() == err(
        "invalid_request",
        "parse_error",
        "JSON parse error - Expecting value: line 1 column 6 (char 5)",
    )


def test_without_header_body_is_parsed_before_authentication(anon: httpx.Client) -> None:
    response = anon.post(
        "/api/projects/1/web_experiments/",
        content=b"{bad",
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert response.json() == err(
        "invalid_request",
        "parse_error",
        "JSON parse error - Expecting property name enclosed in double quotes: "
        "line 1 column 2 (char 1)",
    )


def test_with_header_bad_key_is_reported_before_bad_body(anon: httpx.Client) -> None:
    response = anon.post(
        "/api/projects/1/web_experiments/",
        content=b"{bad",
        headers={"Content-Type": "application/json", **bearer("phx_unknown")},
    )

    assert response.json() == invalid_key("Authorization header")
