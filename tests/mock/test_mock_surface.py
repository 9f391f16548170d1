"""The HTTP surface beyond the documented routes: project segment forms, unknown paths (§1, §9)."""

from __future__ import annotations

import httpx
import pytest

from posthog_mock.testing import MockServer
from tests.mock.helpers import err
from tests.payloads import STD

PROJECT_NOT_FOUND = err("invalid_request", "not_found", "Project not found.")
UNKNOWN_ALLOW = "HEAD, OPTIONS, PATCH, GET, DELETE, POST, PUT"
ENDPOINT_NOT_FOUND = err("invalid_request", "not_found", "Endpoint not found.")
EMPTY_PAGE: dict[str, object] = {"count": 0, "next": None, "previous": None, "results": []}


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.mark.parametrize(
    "segment",
    [
        pytest.param("%EF%BC%92", id="fullwidth"),
        pytest.param("%D9%A2", id="arabic-indic"),
        pytest.param("%092", id="tab-before"),
        pytest.param("2%0A", id="newline-after"),
        pytest.param("%202", id="space-before"),
        pytest.param("+2", id="plus"),
        pytest.param("02", id="leading-zero"),
        pytest.param("0_2", id="underscore"),
    ],
)
def test_project_segment_int_accepts_is_that_project(multi: MockServer, segment: str) -> None:
    with httpx.Client(base_url=multi.base_url, headers=bearer("phx_all")) as http:
        created = http.post(f"/api/projects/{segment}/web_experiments/", json=STD)
        listed = http.get(f"/api/projects/{segment}/web_experiments/")
        plain = http.get(f"/api/projects/2/web_experiments/{created.json()['id']}/")
    assert created.status_code == 201
    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    assert listed.json()["results"][0]["id"] == created.json()["id"]
    assert plain.status_code == 200


@pytest.mark.parametrize(
    "segment",
    [
        pytest.param("2a", id="trailing-letter"),
        pytest.param("0x2", id="hex"),
        pytest.param("0__2", id="double-underscore"),
        pytest.param("-2", id="minus"),
        pytest.param("2%00", id="nul"),
        pytest.param("9223372036854775808", id="beyond-bigint"),
    ],
)
def test_project_segment_int_rejects_is_not_found(multi: MockServer, segment: str) -> None:
    with httpx.Client(base_url=multi.base_url, headers=bearer("phx_all")) as http:
        response = http.get(f"/api/projects/{segment}/web_experiments/")
    assert response.status_code == 404
    assert response.json() == PROJECT_NOT_FOUND


def test_limited_key_names_the_project_int_read(multi: MockServer) -> None:
    with httpx.Client(base_url=multi.base_url, headers=bearer("phx_only_two")) as http:
        response = http.get("/api/projects/%EF%BC%91/web_experiments/")
    assert response.status_code == 403
    assert response.json() == err(
        "authentication_error",
        "permission_denied",
        "API key does not have access to the requested project: ID 1.",
    )


@pytest.mark.parametrize(
    "path",
    [
        "/api/projects/1/web_experiments/1/results/",
        "/api/projects/1/web_experiments/x/y/",
        "/api/projects/1/unknown_resource/",
    ],
)
def test_unknown_api_path_options_is_metadata_without_authentication(
    multi: MockServer, path: str
) -> None:
    with httpx.Client(base_url=multi.base_url) as http:
        response = http.options(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["allow"] == UNKNOWN_ALLOW
    assert response.json() == {
        "name": "Api Not Found",
        "description": "",
        "renders": ["application/json"],
        "parses": [
            "application/json",
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ],
    }


@pytest.mark.parametrize("method", ["TRACE", "FOO", "PROPFIND"])
def test_unknown_api_path_other_method_is_405(multi: MockServer, method: str) -> None:
    with httpx.Client(base_url=multi.base_url, headers=bearer("phx_read")) as http:
        response = http.request(method, "/api/projects/1/web_experiments/1/results/")
    assert response.status_code == 405
    assert response.headers["allow"] == UNKNOWN_ALLOW
    assert response.json() == err(
        "invalid_request", "method_not_allowed", f'Method "{method}" not allowed.'
    )


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE"])
def test_unknown_api_path_served_method_is_endpoint_not_found(
    multi: MockServer, method: str
) -> None:
    with httpx.Client(base_url=multi.base_url) as http:
        response = http.request(method, "/api/projects/1/web_experiments/1/results/")
    assert response.status_code == 404
    assert response.headers["allow"] == UNKNOWN_ALLOW
    assert response.json() == ENDPOINT_NOT_FOUND


def test_list_after_int_form_create_is_empty_elsewhere(multi: MockServer) -> None:
    with httpx.Client(base_url=multi.base_url, headers=bearer("phx_all")) as http:
        http.post("/api/projects/%EF%BC%92/web_experiments/", json=STD)
        other = http.get("/api/projects/1/web_experiments/")
    assert other.json() == EMPTY_PAGE


@pytest.mark.parametrize(
    ("key", "status", "expected"),
    [
        pytest.param(
            "phx_write",
            405,
            err("invalid_request", "method_not_allowed", 'Method "PATCH" not allowed.'),
            id="write-key",
        ),
        pytest.param(
            "phx_none",
            405,
            err("invalid_request", "method_not_allowed", 'Method "PATCH" not allowed.'),
            id="legacy-key",
        ),
        pytest.param(
            "phx_read",
            403,
            err(
                "authentication_error",
                "permission_denied",
                "API key missing required scope 'experiment:write'",
            ),
            id="read-key",
        ),
    ],
)
def test_patch_on_list_checks_write_scope_then_405(
    multi: MockServer, key: str, status: int, expected: dict[str, object]
) -> None:
    with httpx.Client(base_url=multi.base_url, headers=bearer(key)) as http:
        response = http.patch("/api/projects/1/web_experiments/", json={"name": "x"})
    assert response.status_code == status
    assert response.headers["allow"] == "GET, POST, HEAD, OPTIONS"
    assert response.json() == expected


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_put_delete_on_list_are_unsupported_for_scoped_keys(multi: MockServer, method: str) -> None:
    with httpx.Client(base_url=multi.base_url, headers=bearer("phx_write")) as http:
        response = http.request(method, "/api/projects/1/web_experiments/")
    assert response.status_code == 403
    assert response.json() == err(
        "authentication_error",
        "permission_denied",
        "This action does not support personal API key access",
    )


FIELDS = {
    "id": {"type": "integer", "required": False, "read_only": True, "label": "ID"},
    "name": {
        "type": "string",
        "required": True,
        "read_only": False,
        "label": "Name",
        "max_length": 400,
    },
    "created_at": {
        "type": "datetime",
        "required": False,
        "read_only": False,
        "label": "Created at",
    },
    "feature_flag_key": {
        "type": "string",
        "required": False,
        "read_only": True,
        "label": "Feature flag key",
    },
    "variants": {
        "type": "field",
        "required": True,
        "read_only": False,
        "label": "Variants",
        "help_text": "Variants for the web experiment. Example:\n\n        {\n"
        '            "control": {\n                "transforms": [\n'
        "                    {\n"
        '                        "text": "Here comes Superman!",\n'
        '                        "html": "",\n'
        '                        "selector": "#page > #body > .header h1"\n'
        "                    }\n                ],\n"
        '                "conditions": "None",\n'
        '                "rollout_percentage": 50\n            },\n        }',
    },
}
METADATA_BASE = {
    "description": "",
    "renders": ["application/json"],
    "parses": ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"],
}


def test_options_with_legacy_key_describes_what_may_be_sent(multi: MockServer) -> None:
    with httpx.Client(base_url=multi.base_url, headers=bearer("phx_none")) as http:
        created = http.post("/api/projects/1/web_experiments/", json=STD).json()
        listed = http.options("/api/projects/1/web_experiments/")
        detail = http.options(f"/api/projects/1/web_experiments/{created['id']}/")
        missing = http.options("/api/projects/1/web_experiments/2147483647/")
    assert listed.json() == {
        "name": "Web Experiment List",
        **METADATA_BASE,
        "actions": {"POST": FIELDS},
    }
    assert list(listed.json()) == ["name", "description", "renders", "parses", "actions"]
    assert detail.json() == {
        "name": "Web Experiment Instance",
        **METADATA_BASE,
        "actions": {"PUT": FIELDS},
    }
    assert missing.json() == {"name": "Web Experiment Instance", **METADATA_BASE}


@pytest.mark.parametrize("key", ["phx_all", "phx_read"])
def test_options_with_scoped_key_has_no_actions(multi: MockServer, key: str) -> None:
    with httpx.Client(base_url=multi.base_url, headers=bearer(key)) as http:
        response = http.options("/api/projects/1/web_experiments/")
    assert response.json() == {"name": "Web Experiment List", **METADATA_BASE}


@pytest.mark.parametrize(
    ("written", "created", "read"),
    [
        pytest.param("1e16", 1e16, 10000000000000000, id="1e16-int"),
        pytest.param("1.5e16", 1.5e16, 15000000000000000, id="1.5e16-int"),
        pytest.param("-9.2e18", -9.2e18, -9200000000000000000, id="negative-int"),
        pytest.param("-0.0", -0.0, 0.0, id="negative-zero"),
        pytest.param("1e-7", 1e-7, 1e-7, id="small-float-kept"),
        pytest.param("1e15", 1e15, 1e15, id="below-threshold-float"),
    ],
)
def test_numbers_read_back_as_jsonb_gives_them(
    multi: MockServer, written: str, created: float, read: float
) -> None:
    body = (
        '{"name": "Numbers", "variants": {"control": {"rollout_percentage": 100, '
        f'"x": {written}, "y": [{written}, {{"z": {written}}}]}}}}}}'
    )
    headers = {**bearer("phx_all"), "Content-Type": "application/json"}
    with httpx.Client(base_url=multi.base_url, headers=headers) as http:
        answer = http.post("/api/projects/1/web_experiments/", content=body)
        retrieved = http.get(f"/api/projects/1/web_experiments/{answer.json()['id']}/")
        listed = http.get("/api/projects/1/web_experiments/")
    control = answer.json()["variants"]["control"]
    assert (control["x"], control["y"]) == (created, [created, {"z": created}])
    for variant in (
        retrieved.json()["variants"]["control"],
        listed.json()["results"][0]["variants"]["control"],
    ):
        assert variant == {"rollout_percentage": 100, "x": read, "y": [read, {"z": read}]}
        assert type(variant["x"]) is type(read)
        assert [type(variant["y"][0]), type(variant["y"][1]["z"])] == [type(read)] * 2


def test_utf16_charset_without_bom_is_the_stream_readers_error(multi: MockServer) -> None:
    headers = {**bearer("phx_all"), "Content-Type": "application/json; charset=utf-16"}
    with httpx.Client(base_url=multi.base_url, headers=headers) as http:
        response = http.post("/api/projects/1/web_experiments/", content=b'{"name": "x"}')
    assert response.status_code == 400
    assert response.json() == err(
        "invalid_request", "parse_error", "JSON parse error - UTF-16 stream does not start with BOM"
    )
