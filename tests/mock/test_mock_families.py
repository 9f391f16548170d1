"""What the surface families found on the recorded server: headers, routes, bytes, credentials."""

from __future__ import annotations

import socket

import httpx
import pytest

from posthog_mock.testing import MockServer
from tests.mock.helpers import err
from tests.payloads import STD

P = "/api/projects/1/web_experiments/"
SERVER_ERROR = err("server_error", "error", "A server error occurred.")
NOT_AUTHENTICATED = err(
    "authentication_error", "not_authenticated", "Authentication credentials were not provided."
)
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"


def _raw(server: MockServer, head: str, body: bytes = b"") -> bytes:
    """Send one request exactly as written (repeated headers kept) and return the answer."""
    host, port = server.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param('{"personal_api_key": 5}', 500, id="number"),
        pytest.param('{"personal_api_key": null}', 500, id="null"),
        pytest.param('{"personal_api_key": false}', 500, id="false"),
        pytest.param('{"personal_api_key": ["k"]}', 500, id="array"),
        pytest.param('{"personal_api_key": {}}', 500, id="object"),
        pytest.param('{"personal_api_key": "\\ud800"}', 500, id="lone-surrogate"),
        pytest.param('["personal_api_key"]', 500, id="array-body-naming-the-field"),
        pytest.param('"xpersonal_api_keyx"', 500, id="string-body-containing-the-field"),
        pytest.param("5", 500, id="number-body"),
        pytest.param("true", 500, id="true-body"),
        pytest.param('"abc"', 401, id="string-body-without-the-field"),
        pytest.param("[]", 401, id="empty-array-body"),
        pytest.param("0", 401, id="zero-body"),
    ],
)
def test_credential_of_wrong_json_type_is_posthogs_500(
    anon: httpx.Client, body: str, expected: int
) -> None:
    response = anon.post(P, content=body, headers={"Content-Type": "application/json"})

    assert response.status_code == expected
    assert response.json() == (SERVER_ERROR if expected == 500 else NOT_AUTHENTICATED)


def test_credential_of_wrong_json_type_is_a_400_in_strict_mode(strict_server: MockServer) -> None:
    with httpx.Client(base_url=strict_server.base_url) as http:
        response = http.post(P, json={"personal_api_key": 5})

    assert response.status_code == 400
    assert response.json() == err(
        "validation_error",
        "invalid_input",
        "The body's personal_api_key must be a UTF-8 string.",
        attr="personal_api_key",
    )


@pytest.mark.parametrize("method", ["GET", "HEAD", "DELETE", "OPTIONS"])
@pytest.mark.parametrize("segment", ["%00", "1%00", "a%00b"])
def test_nul_in_experiment_id_is_posthogs_500_after_the_checks(
    client: httpx.Client, anon: httpx.Client, method: str, segment: str
) -> None:
    response = client.request(method, f"{P}{segment}/")
    unauthenticated = anon.request(method, f"{P}{segment}/")

    assert response.status_code == 500
    if method != "HEAD":
        assert response.json() == SERVER_ERROR
    assert unauthenticated.status_code == 401


@pytest.mark.parametrize(
    ("path", "name"),
    [
        pytest.param(P + ".json", "Web Experiment List", id="list"),
        pytest.param(P + ".json/", "Web Experiment List", id="list-slash"),
        pytest.param(P + "{id}/.json", "Web Experiment Instance", id="detail"),
        pytest.param(P + "{id}/.json/", "Web Experiment Instance", id="detail-slash"),
    ],
)
def test_format_suffix_after_a_slash_is_the_same_view(
    client: httpx.Client, path: str, name: str
) -> None:
    created = client.post(P, json=STD).json()["id"]

    read = client.get(path.format(id=created))
    options = client.options(path.format(id=created))

    assert read.status_code == 200
    assert options.json()["name"] == name


@pytest.mark.parametrize(
    ("path", "never_cache"),
    [
        pytest.param(P[:-1] + ".csv", True, id="csv-suffix"),
        pytest.param(P + "1.csv", True, id="detail-csv"),
        pytest.param(P[:-1] + ".csv/", False, id="csv-suffix-slash"),
        pytest.param(P + "xcsv", True, id="any-path-ending-in-csv"),
        pytest.param(P, False, id="list"),
    ],
)
def test_paths_ending_in_csv_get_never_cache_headers(
    client: httpx.Client, path: str, never_cache: bool
) -> None:
    response = client.get(path)

    assert response.headers.get("cache-control") == (NEVER_CACHE if never_cache else None)
    assert ("expires" in response.headers) is never_cache


@pytest.mark.parametrize(
    ("cookie", "vary"),
    [
        pytest.param("a=1", "Origin", id="other-cookie"),
        pytest.param("sessionid=x", "Cookie, Origin", id="session"),
        pytest.param("sessionid=", "Cookie, Origin", id="empty-session"),
        pytest.param("a=1; sessionid=x", "Cookie, Origin", id="session-second"),
        pytest.param("a=1, sessionid=x", "Origin", id="comma-joined"),
        pytest.param("sessionid", "Origin", id="no-equals"),
    ],
)
def test_vary_cookie_only_for_the_session_cookie(
    client: httpx.Client, cookie: str, vary: str
) -> None:
    response = client.get(P, headers={"Cookie": cookie})

    assert response.headers["vary"] == vary


def test_repeated_headers_are_joined_with_a_comma(server: MockServer) -> None:
    key = server.api_key
    twice = _raw(
        server,
        f"GET {P} HTTP/1.1\nHost: x\nAuthorization: Bearer {key}\n"
        f"Authorization: Bearer {key}\nConnection: close\n",
    )
    other_first = _raw(
        server,
        f"GET {P} HTTP/1.1\nHost: x\nAuthorization: Basic abc\n"
        f"Authorization: Bearer {key}\nConnection: close\n",
    )

    assert twice.startswith(b"HTTP/1.1 401")
    assert b"Personal API key found in request Authorization header is invalid." in twice
    assert other_first.startswith(b"HTTP/1.1 401")
    assert b"Authentication credentials were not provided." in other_first


def test_repeated_content_type_keeps_the_last(server: MockServer) -> None:
    answer = _raw(
        server,
        f"POST {P} HTTP/1.1\nHost: x\nAuthorization: Bearer {server.api_key}\n"
        "Content-Type: text/plain\nContent-Type: application/json\nContent-Length: 2\n"
        "Connection: close\n",
        b"{}",
    )

    assert answer.startswith(b"HTTP/1.1 400")
    assert b'"attr":"name"' in answer


@pytest.mark.parametrize(
    ("host", "status"),
    [
        pytest.param("a,b", 400, id="repeated-joined"),
        pytest.param("a, b", 400, id="joined-with-space"),
        pytest.param("exa_mple.com", 400, id="underscore"),
        pytest.param("example.com:1:2", 400, id="two-ports"),
        pytest.param("EXAMPLE.com", 200, id="upper-case"),
        pytest.param("[::1]:80", 200, id="ipv6"),
        pytest.param("example.com.", 200, id="trailing-dot"),
    ],
)
def test_invalid_host_is_djangos_400_page(client: httpx.Client, host: str, status: int) -> None:
    response = client.get(P, headers={"Host": host})

    assert response.status_code == status
    if status == 400:
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert "x-frame-options" not in response.headers
        assert response.headers["vary"] == "Origin"


@pytest.mark.parametrize("origin", ["http://[", "https://[::1", "https://]"])
@pytest.mark.parametrize("method", ["GET", "POST", "OPTIONS"])
def test_origin_urlparse_refuses_is_djangos_500_page(
    client: httpx.Client, origin: str, method: str
) -> None:
    response = client.request(method, P, headers={"Origin": origin}, json=STD)
    listed = client.get(P)

    assert response.status_code == 500
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "access-control-allow-origin" not in response.headers
    assert "vary" not in response.headers
    assert "x-frame-options" not in response.headers
    assert listed.json()["count"] == 0


def test_origin_urlparse_refuses_on_a_preflight_is_djangos_500_page(anon: httpx.Client) -> None:
    response = anon.options(
        P, headers={"Origin": "http://[", "Access-Control-Request-Method": "POST"}
    )

    assert response.status_code == 500
    assert response.headers["content-type"] == "text/html; charset=utf-8"


@pytest.mark.parametrize("method", ["GET", "OPTIONS"])
def test_empty_origin_gets_no_cors_headers(anon: httpx.Client, method: str) -> None:
    response = anon.request(
        method, P, headers={"Origin": "", "Access-Control-Request-Method": "GET"}
    )

    assert response.status_code == (401 if method == "GET" else 200)
    assert not [name for name in response.headers if name.startswith("access-control-")]
    assert response.headers["vary"] == "Origin"


def test_created_at_beyond_the_range_is_drfs_overflow(client: httpx.Client) -> None:
    response = client.post(P, json={**STD, "created_at": "0001-01-01T00:00:00+00:01"})

    assert response.status_code == 400
    assert response.json() == err(
        "validation_error", "overflow", "Datetime value out of range.", attr="created_at"
    )
