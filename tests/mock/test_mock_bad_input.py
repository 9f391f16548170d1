"""Hostile and malformed requests: in strict mode never a 5xx, and the server keeps answering.

Without strict mode some of them get PostHog's own 500s on purpose (tests/mock/test_profiles.py).
"""

from __future__ import annotations

import contextlib
import json
import socket
from typing import Any

import httpx
import pytest

from posthog_mock.errors import BAD_REQUEST_PAGE, HTML_CONTENT_TYPE
from posthog_mock.testing import MockServer

P = "/api/projects/1/web_experiments/"
D = "/api/projects/1/web_experiments/1/"
JSON = {"Content-Type": "application/json"}
VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    1.5,
    10**300,
    "",
    "x",
    "\x00",
    "\ud800",
    [],
    [1],
    {},
    {"a": None},
    "<script>",
    "a" * 5000,
]


def corpus() -> list[Any]:
    cases: list[Any] = []

    def add(
        case_id: str, method: str, path: str, content: bytes | None = None, **headers: str
    ) -> None:
        cases.append(pytest.param(method, path, content, {**JSON, **headers}, id=case_id))

    # Malformed, truncated and non-UTF-8 bodies.
    for i, raw in enumerate(
        [
            b"{",
            b"}",
            b"[",
            b'{"name":',
            b'{"name": "x",}',
            b"{'name': 'x'}",
            b"\xff\xfe\xfd",
            b'{"name": "\xe9"}',
            b"\x00",
            b"\x00{}",
            b"{}\x00",
            b'{"name": "a\\u0000b"}',
            b"\xef\xbb\xbf{}",
            b'{"name": "\\ud800"}',
            b"NaN",
            b"Infinity",
            b"-Infinity",
            b'{"a": NaN}',
            b"1e999999",
            b"9" * 5000,
            b'{"name": ' + b"9" * 5000 + b"}",
            b'{"name": 1e999}',
            b"true",
            b"null",
            b'"str"',
            b"[]",
            b"[{}]",
            b" ",
            b"\n\n",
            b"{}" * 1000,
            b"\t{}\t",
            b'{"name"\x00: 1}',
        ]
    ):
        add(f"body-{i}-post", "POST", P, raw)
        add(f"body-{i}-put", "PUT", D, raw)
        add(f"body-{i}-patch", "PATCH", D, raw)
    # Deep nesting, at the top level and inside variants.
    for depth in (50, 1000, 100_000):
        add(f"deep-array-{depth}", "POST", P, b"[" * depth + b"]" * depth)
        add(f"deep-object-{depth}", "POST", P, b'{"a":' * depth + b"1" + b"}" * depth)
        inner = b'{"a":' * depth + b"1" + b"}" * depth
        add(
            f"deep-variants-{depth}",
            "POST",
            P,
            b'{"name":"d","variants":{"control":{"rollout_percentage":100,"x":' + inner + b"}}}",
        )
    # Every field with every wrong type.
    for field in ("name", "variants", "created_at", "personal_api_key"):
        for j, value in enumerate(VALUES):
            body = {
                "name": "ok",
                "variants": {"control": {"rollout_percentage": 100}},
                field: value,
            }
            add(f"type-{field}-{j}", "POST", P, json.dumps(body).encode())
    for j, value in enumerate(VALUES):
        variants = {"control": {"rollout_percentage": 50, "transforms": value}, "t": value}
        add(
            f"type-variant-{j}", "POST", P, json.dumps({"name": "x", "variants": variants}).encode()
        )
        transforms = {
            "control": {"rollout_percentage": 100, "transforms": [value, {"html": value}]}
        }
        add(f"type-transform-{j}", "PATCH", D, json.dumps({"variants": transforms}).encode())
        add(
            f"type-conditions-{j}",
            "POST",
            P,
            json.dumps(
                {
                    "name": "x",
                    "variants": {"control": {"rollout_percentage": 100, "conditions": value}},
                }
            ).encode(),
        )
    # Lone surrogates and NULs where error details quote them back.
    for k, key in enumerate(["\\ud800", "\\udfff", "\\u0000", "a\\ud83d"]):
        control = b'"control": {"rollout_percentage": 100}'
        add(
            f"odd-variant-name-{k}",
            "POST",
            P,
            b'{"name": "x", "variants": {' + control + b', "' + key.encode() + b'": {}}}',
        )
        add(
            f"odd-variant-name-{k}-patch",
            "PATCH",
            D,
            b'{"variants": {"' + key.encode() + b'": {"rollout_percentage": 100}}}',
        )
    # Content types, sizes, odd methods and routes.
    add("over-limit", "POST", P, b'{"name": "' + b"x" * 1_100_000 + b'"}')
    add(
        "form-garbage",
        "POST",
        P,
        b"%%%&&&===",
        **{"Content-Type": "application/x-www-form-urlencoded"},
    )
    add("multipart-no-boundary", "POST", P, b"--x\r\n", **{"Content-Type": "multipart/form-data"})
    add(
        "multipart-garbage",
        "POST",
        P,
        b"garbage",
        **{"Content-Type": "multipart/form-data; boundary=x"},
    )
    add("content-type-star", "POST", P, b"{}", **{"Content-Type": "*/*"})
    add("bad-charset", "POST", P, b"{}", **{"Content-Type": "application/json; charset=nope"})
    add("utf16-charset", "POST", P, b"{}", **{"Content-Type": "application/json; charset=utf-16"})
    for method in ("TRACE", "CONNECT", "PROPFIND", "BREW", "OPTIONS", "HEAD", "PATCH", "DELETE"):
        add(f"method-{method}-collection", method, P)
        add(f"method-{method}-mock", method, "/_mock/reset")
    for k, path in enumerate(
        [
            "/api/projects/%00/web_experiments/",
            "/api/projects/1/web_experiments/%00/",
            "/api/projects/" + "9" * 5000 + "/web_experiments/",
            "/api/projects/1/web_experiments/" + "1" * 5000,
            "/api/projects/1/web_experiments/?limit=" + "9" * 5000,
            "/api/projects/1/web_experiments/?offset=%00",
            "/api/projects/1/web_experiments/?limit=1e3&offset=--1",
            "/" + "a/" * 2000,
            "/api/projects/%ff/web_experiments/",
            "/api/projects/@current/web_experiments/%2e%2e/",
            "/api/projects/1/web_experiments/%20/",
            "/api/projects/1/web_experiments/?personal_api_key=%00",
            "/api/projects/1/web_experiments/?%zz=1",
            "/_mock/projects/1/web_experiments",
            "/_mock/feature_flags?project_id=%00",
        ]
    ):
        add(f"path-{k}", "GET", path)
        add(f"path-{k}-post", "POST", path, b'{"name": 1}')
    return cases


CORPUS = corpus()


def test_corpus_has_at_least_100_requests() -> None:
    assert len(CORPUS) >= 100


@pytest.mark.parametrize(("method", "path", "content", "headers"), CORPUS)
def test_bad_input_in_strict_mode_never_gives_5xx(
    strict_client: httpx.Client,
    method: str,
    path: str,
    content: bytes | None,
    headers: dict[str, str],
) -> None:
    response = strict_client.request(method, path, content=content, headers=headers)

    assert response.status_code < 500, response.text
    if response.headers.get("content-type") == HTML_CONTENT_TYPE.decode():
        assert response.content == BAD_REQUEST_PAGE  # Django's, before PostHog's views run
    elif response.status_code >= 400 and method != "HEAD":
        assert set(response.json()) == {"type", "code", "detail", "attr"}


def test_server_still_answers_after_raw_garbage(server: MockServer) -> None:
    for garbage in (
        b"\x00\xff garbage\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"POST " + b"a" * 70000 + b"\r\n",
    ):
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
            raw.sendall(garbage)
            raw.settimeout(1)
            with contextlib.suppress(TimeoutError, ConnectionError):
                raw.recv(1024)

    with httpx.Client(timeout=10, verify=False) as http:
        assert http.get(f"{server.base_url}/_mock/health").status_code == 200
