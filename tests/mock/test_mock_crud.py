"""Create, retrieve, update, partial update and delete against the running mock (§2-§6)."""

from __future__ import annotations

import copy
import re
from typing import Any

import httpx
import pytest

from tests.mock.helpers import err
from tests.payloads import STD

P = "/api/projects/1/web_experiments/"
KEY_SUFFIX = re.compile(r"-web-experiment-feature-[0-9a-f]{10}$")
CREATED_AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def create(client: httpx.Client, body: dict[str, Any] | None = None) -> dict[str, Any]:
    response = client.post(P, json=STD if body is None else body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def test_create_returns_201_with_fields_in_posthog_order(client: httpx.Client) -> None:
    response = client.post(P, json=STD)

    assert response.status_code == 201
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert list(body) == ["id", "name", "created_at", "feature_flag_key", "variants"]
    assert isinstance(body["id"], int)
    assert body["name"] == "Zero to Web Experiment"
    assert CREATED_AT.match(body["created_at"])
    assert body["feature_flag_key"].startswith("zero-to-web-experiment-web-experiment-feature-")
    assert KEY_SUFFIX.search(body["feature_flag_key"])


def test_create_returns_variants_with_rollout_percentage_first(client: httpx.Client) -> None:
    body = create(client)

    assert body["variants"] == {
        "control": {
            "rollout_percentage": 70,
            "transforms": STD["variants"]["control"]["transforms"],
        },
        "test": {"rollout_percentage": 30, "transforms": STD["variants"]["test"]["transforms"]},
    }
    assert list(body["variants"]["control"]) == ["rollout_percentage", "transforms"]
    assert list(body["variants"]) == ["control", "test"]


def test_create_keeps_variant_order_and_unknown_keys(client: httpx.Client) -> None:
    variants = {
        "variant #1": {"is_new": True, "rollout_percentage": 25, "x-extra": {"deep": [1, None]}},
        "control": {"conditions": None, "variant_name": "C", "rollout_percentage": 75},
    }
    body = create(client, {"name": "order", "variants": variants})

    assert list(body["variants"]) == ["variant #1", "control"]
    assert body["variants"]["variant #1"] == {
        "rollout_percentage": 25,
        "is_new": True,
        "x-extra": {"deep": [1, None]},
    }
    assert list(body["variants"]["control"]) == ["rollout_percentage", "conditions", "variant_name"]


def test_create_control_only_experiment_returns_201(client: httpx.Client) -> None:
    body = create(
        client, {"name": "Control only", "variants": {"control": {"rollout_percentage": 100}}}
    )

    assert body["variants"] == {"control": {"rollout_percentage": 100}}


def test_create_ignores_read_only_and_unknown_fields(client: httpx.Client) -> None:
    body = create(
        client,
        {
            **STD,
            "id": 999999,
            "feature_flag_key": "chosen",
            "created_at": "2001-01-01T00:00:00Z",
            "unknown": [1, 2],
        },
    )

    assert body["id"] != 999999
    assert body["feature_flag_key"] != "chosen"
    assert not body["created_at"].startswith("2001")
    assert "unknown" not in body


def test_create_trims_name_and_coerces_numbers(client: httpx.Client) -> None:
    assert create(client, {**STD, "name": "  padded \n"})["name"] == "padded"
    assert create(client, {**STD, "name": 42})["name"] == "42"
    assert create(client, {**STD, "name": 1.5})["name"] == "1.5"


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        pytest.param("Zero to Web Experiment", "zero-to-web-experiment", id="spaces"),
        pytest.param("Hello, World!", "hello-world", id="punctuation"),
        pytest.param("active_web_experiment", "active_web_experiment", id="underscores-kept"),
        pytest.param("Crème brûlée ﬁnal", "creme-brulee-final", id="nfkd-ascii"),
        pytest.param("日本語", "web-experiment-feature", id="non-ascii-dropped"),
        pytest.param("--a  -- b__", "a-b__", id="dash-runs-collapsed-inner-underscores-kept"),
        pytest.param("_lead", "lead", id="leading-underscore-stripped"),
    ],
)
def test_create_derives_feature_flag_key_from_name(
    client: httpx.Client, name: str, slug: str
) -> None:
    key = create(client, {**STD, "name": name})["feature_flag_key"]

    if slug == "web-experiment-feature":
        assert re.fullmatch(r"web-experiment-feature-[0-9a-f]{10}", key)
    else:
        assert re.fullmatch(rf"{re.escape(slug)}-web-experiment-feature-[0-9a-f]{{10}}", key)


def test_create_links_a_new_inactive_flag_with_the_split(
    client: httpx.Client, anon: httpx.Client
) -> None:
    body = create(client)

    flags = anon.get("/_mock/feature_flags").json()
    assert flags["count"] == 1
    flag = flags["results"][0]
    assert flag["key"] == body["feature_flag_key"]
    assert flag["experiment_id"] == body["id"]
    assert flag["active"] is False
    assert flag["project_id"] == 1
    assert flag["filters"]["multivariate"]["variants"] == [
        {"key": "control", "rollout_percentage": 70},
        {"key": "test", "rollout_percentage": 30},
    ]


def test_create_same_name_twice_gives_distinct_flag_keys(client: httpx.Client) -> None:
    first = create(client)
    second = create(client)

    assert first["feature_flag_key"] != second["feature_flag_key"]
    assert second["id"] > first["id"]


def test_retrieve_returns_what_create_returned(client: httpx.Client) -> None:
    created = create(client)

    response = client.get(f"{P}{created['id']}/")

    assert response.status_code == 200
    assert response.json() == created


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/api/projects/1/web_experiments/{id}", id="no-trailing-slash"),
        pytest.param("/api/projects/1/web_experiments/{id}/", id="trailing-slash"),
        pytest.param("/api/projects/@current/web_experiments/{id}/", id="at-current"),
        pytest.param("/api/projects/%40current/web_experiments/{id}", id="at-current-encoded"),
        pytest.param("/api/projects/01/web_experiments/{id}/", id="leading-zero-project"),
    ],
)
def test_retrieve_route_variants_return_200(client: httpx.Client, path: str) -> None:
    created = create(client)

    response = client.get(path.format(id=created["id"]))

    assert response.status_code == 200
    assert response.json()["id"] == created["id"]


@pytest.mark.parametrize(
    ("method", "status"),
    [("GET", 200), ("PUT", 200), ("PATCH", 200), ("DELETE", 204), ("HEAD", 200), ("OPTIONS", 200)],
)
def test_detail_without_trailing_slash_serves_every_method(
    client: httpx.Client, method: str, status: int
) -> None:
    created = create(client)

    response = client.request(method, f"{P}{created['id']}", json=STD)

    assert response.status_code == status


def test_list_without_trailing_slash_returns_200(client: httpx.Client) -> None:
    create(client)

    response = client.get("/api/projects/1/web_experiments")

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_create_without_trailing_slash_returns_201(client: httpx.Client) -> None:
    assert client.post("/api/projects/1/web_experiments", json=STD).status_code == 201


@pytest.mark.parametrize(
    "experiment_id",
    [
        pytest.param("999999", id="unknown"),
        pytest.param("abc", id="non-numeric"),
        pytest.param("0", id="zero"),
        pytest.param("-1", id="negative"),
        pytest.param("99999999999999999999999", id="beyond-bigint"),
    ],
)
@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
def test_unknown_experiment_returns_404(
    client: httpx.Client, method: str, experiment_id: str
) -> None:
    response = client.request(method, f"{P}{experiment_id}/", json=STD)

    assert response.status_code == 404
    assert response.json() == err("invalid_request", "not_found", "Not found.")


def test_put_replaces_name_and_variants_keeps_flag_key(client: httpx.Client) -> None:
    created = create(client)
    new_variants = {"control": {"rollout_percentage": 50}, "b": {"rollout_percentage": 50}}

    response = client.put(
        f"{P}{created['id']}/", json={"name": "Renamed", "variants": new_variants}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Renamed"
    assert body["feature_flag_key"] == created["feature_flag_key"]
    assert body["created_at"] == created["created_at"]
    assert body["variants"] == new_variants
    assert client.get(f"{P}{created['id']}/").json() == body


def test_put_rewrites_the_flag_split(client: httpx.Client, anon: httpx.Client) -> None:
    created = create(client)
    variants = {"control": {"rollout_percentage": 10}, "x": {"rollout_percentage": 90}}

    client.put(f"{P}{created['id']}/", json={"name": "n", "variants": variants})

    flag = anon.get("/_mock/feature_flags").json()["results"][0]
    assert flag["filters"]["multivariate"]["variants"] == [
        {"key": "control", "rollout_percentage": 10},
        {"key": "x", "rollout_percentage": 90},
    ]


def test_put_without_name_returns_400_required(client: httpx.Client) -> None:
    created = create(client)

    response = client.put(f"{P}{created['id']}/", json={"variants": STD["variants"]})

    assert response.status_code == 400
    assert response.json() == err("validation_error", "required", "This field is required.", "name")


def test_patch_with_variants_only_keeps_name(client: httpx.Client) -> None:
    created = create(client)
    variants = {"control": {"rollout_percentage": 100}}

    response = client.patch(f"{P}{created['id']}", json={"variants": variants})

    assert response.status_code == 200
    assert response.json()["name"] == created["name"]
    assert response.json()["variants"] == variants


def test_patch_replaces_variants_wholesale(client: httpx.Client) -> None:
    created = create(client)
    variants = copy.deepcopy(STD["variants"])
    del variants["test"]["transforms"]
    variants["test"]["new_key"] = 1

    body = client.patch(f"{P}{created['id']}/", json={"variants": variants}).json()

    assert body["variants"]["test"] == {"rollout_percentage": 30, "new_key": 1}


def test_patch_applies_created_at_and_reorders_list(client: httpx.Client) -> None:
    first = create(client, {**STD, "name": "first"})
    create(client, {**STD, "name": "second"})

    response = client.patch(
        f"{P}{first['id']}/",
        json={"variants": STD["variants"], "created_at": "2099-01-15T10:30:00.123456+01:00"},
    )

    assert response.status_code == 200
    assert response.json()["created_at"] == "2099-01-15T09:30:00.123456Z"
    names = [e["name"] for e in client.get(P).json()["results"]]
    assert names == ["first", "second"]


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        pytest.param("2025-01-15T10:30:00Z", "2025-01-15T10:30:00Z", id="no-fraction"),
        pytest.param("2025-01-15T10:30:00.5Z", "2025-01-15T10:30:00.500000Z", id="fraction"),
        pytest.param("2025-01-15 10:30", "2025-01-15T10:30:00Z", id="naive-space-is-utc"),
        pytest.param("2025-01-15", "2025-01-15T00:00:00Z", id="date-only"),
    ],
)
def test_put_created_at_is_rendered_like_drf(client: httpx.Client, given: str, shown: str) -> None:
    created = create(client)

    body = client.put(f"{P}{created['id']}/", json={**STD, "created_at": given}).json()

    assert body["created_at"] == shown


def test_delete_returns_204_without_body_or_content_type(client: httpx.Client) -> None:
    created = create(client)

    response = client.delete(f"{P}{created['id']}/")

    assert response.status_code == 204
    assert response.content == b""
    assert "content-type" not in response.headers


def test_delete_then_every_operation_returns_404(client: httpx.Client) -> None:
    created = create(client)
    client.delete(f"{P}{created['id']}/")

    for method in ("GET", "PUT", "PATCH", "DELETE"):
        response = client.request(method, f"{P}{created['id']}/", json=STD)
        assert response.status_code == 404, method
        assert response.json() == err("invalid_request", "not_found", "Not found.")
    assert client.get(P).json()["count"] == 0


def test_delete_keeps_the_feature_flag(client: httpx.Client, anon: httpx.Client) -> None:
    created = create(client)
    client.delete(f"{P}{created['id']}/")

    flags = anon.get("/_mock/feature_flags").json()["results"]
    assert [f["key"] for f in flags] == [created["feature_flag_key"]]
    assert flags[0]["experiment_id"] is None


def test_head_returns_headers_without_body(client: httpx.Client) -> None:
    created = create(client)

    response = client.head(f"{P}{created['id']}/")

    assert response.status_code == 200
    assert response.content == b""


def test_options_returns_metadata_with_allow_header(client: httpx.Client) -> None:
    response = client.options(P)

    assert response.status_code == 200
    assert response.headers["allow"] == "GET, POST, HEAD, OPTIONS"
    assert response.json()["name"] == "Web Experiment List"
    assert client.options(P + "1/").json()["name"] == "Web Experiment Instance"


def test_form_encoded_create_parses_variants_as_json(client: httpx.Client) -> None:
    response = client.post(
        P, data={"name": "form", "variants": '{"control": {"rollout_percentage": 100}}'}
    )

    assert response.status_code == 201
    assert response.json()["variants"] == {"control": {"rollout_percentage": 100}}


def test_multipart_create_parses_fields(client: httpx.Client) -> None:
    response = client.post(
        P,
        data={"name": "multi", "variants": '{"control": {"rollout_percentage": 100}}'},
        files={"ignored": ("f.txt", b"file content")},
    )

    assert response.status_code == 201
    assert response.json()["name"] == "multi"


def test_form_encoded_invalid_variants_json_returns_400(client: httpx.Client) -> None:
    response = client.post(P, data={"name": "form", "variants": "{nope"})

    assert response.status_code == 400
    assert response.json() == err(
        "validation_error", "invalid_input", "Value must be valid JSON.", "variants"
    )


def test_safe_html_is_stored_byte_for_byte(client: httpx.Client) -> None:
    html = (
        '<div class="x"><a href="https://example.com/?a=1&b=2">link</a>'
        " <span>s</span> <b>b</b></div>"
    )
    variants = {
        "control": {"rollout_percentage": 50},
        "test": {
            "rollout_percentage": 50,
            "transforms": [{"selector": "p", "html": html, "text": "ünï"}],
        },
    }

    body = create(client, {"name": "safe", "variants": variants})

    assert body["variants"]["test"]["transforms"][0]["html"] == html
    assert (
        client.get(f"{P}{body['id']}/").json()["variants"]["test"]["transforms"][0]["text"] == "ünï"
    )
