"""Each PostHog change entry, PostHog's own 500s and strict mode, as the three servers answer.

`recorded_client` answers as `2025-08` (the recorded server), `client` as `current` (the
default), `strict_client` as `current` in strict mode.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from posthog_mock.errors import BAD_REQUEST_PAGE
from posthog_mock.profiles import CHANGES, CHANGES_BY_ID, PROFILES, get_profile
from posthog_mock.testing import MockServer
from tests.mock.helpers import err, invalid

P = "/api/projects/1/web_experiments/"
HTML = "text/html; charset=utf-8"
SERVER_ERROR = err("server_error", "error", "A server error occurred.")
CONTROL = {"control": {"rollout_percentage": 100}}


def two(control: Any, test: Any) -> dict[str, Any]:
    return {"control": control, "test": test}


def with_transforms(transforms: Any) -> dict[str, Any]:
    return two({"rollout_percentage": 50}, {"rollout_percentage": 50, "transforms": transforms})


# (variants or a whole body, 2025-08, current, strict): an expected answer is the status and,
# for an error, its whole body.
CREATE_CASES = [
    pytest.param(
        0,
        (500, SERVER_ERROR),
        (400, invalid("Experiment variants should be a dictionary of keys -> transforms")),
        (400, invalid("Experiment variants should be a dictionary of keys -> transforms")),
        id="falsy_variants_rejected-0",
    ),
    pytest.param(
        False,
        (500, SERVER_ERROR),
        (400, invalid("Experiment variants should be a dictionary of keys -> transforms")),
        (400, invalid("Experiment variants should be a dictionary of keys -> transforms")),
        id="falsy_variants_rejected-false",
    ),
    pytest.param(
        {"control": 100},
        (500, SERVER_ERROR),
        (400, invalid("Experiment variant 'control' should be a dictionary")),
        (400, invalid("Experiment variant 'control' should be a dictionary")),
        id="non_object_variants_rejected-variant",
    ),
    pytest.param(
        with_transforms(["h1"]),
        (500, SERVER_ERROR),
        (400, invalid("Experiment transform [$0] variant 'test' should be a dictionary")),
        (400, invalid("Experiment transform [$0] variant 'test' should be a dictionary")),
        id="non_object_variants_rejected-transform",
    ),
    pytest.param(
        with_transforms("ab"),
        (500, SERVER_ERROR),
        (400, invalid("Experiment transform [$0] variant 'test' should be a dictionary")),
        (400, invalid("Experiment variant 'test' transforms should be a list")),
        id="non_object_variants_rejected-transforms-string",
    ),
    pytest.param(
        with_transforms(5),
        (500, SERVER_ERROR),
        (500, SERVER_ERROR),
        (400, invalid("Experiment variant 'test' transforms should be a list")),
        id="transforms-number-500-in-both",
    ),
    pytest.param(
        with_transforms([{"selector": "h1", "html": "<script>alert(1)</script>"}]),
        (201, None),
        (
            400,
            invalid(
                "Experiment transform [$0] variant 'test' has unsafe content in 'html':"
                " script tags are not allowed"
            ),
        ),
        (
            400,
            invalid(
                "Experiment transform [$0] variant 'test' has unsafe content in 'html':"
                " script tags are not allowed"
            ),
        ),
        id="transform_script_injection_check",
    ),
    pytest.param(
        {"control": {"rollout_percentage": 100, "transforms": ["h1"]}},
        (201, None),
        (400, invalid("Experiment transform [$0] variant 'control' should be a dictionary")),
        (400, invalid("Experiment transform [$0] variant 'control' should be a dictionary")),
        id="transform_script_injection_check-control-transform",
    ),
    pytest.param(
        two({"rollout_percentage": 150}, {"rollout_percentage": -50}),
        (201, None),
        (
            400,
            invalid(
                "multivariate.variants[0].rollout_percentage must be between 0 and 100, got 150",
                "filters",
            ),
        ),
        (
            400,
            invalid(
                "multivariate.variants[0].rollout_percentage must be between 0 and 100, got 150",
                "filters",
            ),
        ),
        id="split_percentage_checks-range",
    ),
    pytest.param(
        {"control": {"rollout_percentage": "100"}},
        (500, SERVER_ERROR),
        (
            400,
            invalid(
                "multivariate.variants[0].rollout_percentage must be a number, got str", "filters"
            ),
        ),
        (
            400,
            invalid(
                "multivariate.variants[0].rollout_percentage must be a number, got str", "filters"
            ),
        ),
        id="split_percentage_checks-string",
    ),
    pytest.param(
        two({"rollout_percentage": 99}, {"rollout_percentage": True}),
        (201, None),
        (
            400,
            invalid(
                "multivariate.variants[1].rollout_percentage must be a number, got bool", "filters"
            ),
        ),
        (
            400,
            invalid(
                "multivariate.variants[1].rollout_percentage must be a number, got bool", "filters"
            ),
        ),
        id="split_percentage_checks-boolean-sums",
    ),
    pytest.param(
        {"control": {"rollout_percentage": 100, "note": "a\x00b"}},
        (500, SERVER_ERROR),
        (500, SERVER_ERROR),
        (
            400,
            err(
                "validation_error",
                "null_characters_not_allowed",
                "Null characters are not allowed.",
                "variants",
            ),
        ),
        id="nul-refused-by-the-database",
    ),
    pytest.param(
        {"name": "a" * 366, "variants": CONTROL},
        (500, SERVER_ERROR),
        (500, SERVER_ERROR),
        (
            400,
            err(
                "validation_error",
                "max_length",
                "Ensure this field has no more than 319 characters.",
                "key",
            ),
        ),
        id="flag-key-over-319-breaks-the-usage-dashboard",
    ),
]


def _assert_answer(response: httpx.Response, expected: tuple[int, Any]) -> None:
    status, body = expected
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["allow"] == "GET, POST, HEAD, OPTIONS"
    if body is not None:
        assert response.json() == body


def _create(client: httpx.Client, case: Any) -> httpx.Response:
    body = case if isinstance(case, dict) and "name" in case else {"name": "p", "variants": case}
    return client.post(P, json=body)


@pytest.mark.parametrize(("case", "recorded", "current", "strict"), CREATE_CASES)
def test_create_answers_by_profile_and_strict_mode(
    recorded_client: httpx.Client,
    client: httpx.Client,
    strict_client: httpx.Client,
    case: Any,
    recorded: tuple[int, Any],
    current: tuple[int, Any],
    strict: tuple[int, Any],
) -> None:
    _assert_answer(_create(recorded_client, case), recorded)
    _assert_answer(_create(client, case), current)
    _assert_answer(_create(strict_client, case), strict)


def test_2025_08_stores_what_newer_checks_refuse(recorded_client: httpx.Client) -> None:
    variants = two({"rollout_percentage": 150}, {"rollout_percentage": -50})

    created = recorded_client.post(P, json={"name": "split", "variants": variants})
    listed = recorded_client.get(P)

    assert created.json()["variants"] == variants
    assert [e["variants"] for e in listed.json()["results"]] == [variants]


def test_one_change_on_the_base_answers_only_that_change(
    posthog_mock_factory: Callable[..., MockServer],
) -> None:
    server = posthog_mock_factory(posthog_version="2025-08+split_percentage_checks")
    headers = {"Authorization": f"Bearer {server.api_key}"}
    with httpx.Client(base_url=server.base_url, headers=headers) as http:
        split = http.post(
            P, json={"name": "a", "variants": {"control": {"rollout_percentage": "1"}}}
        )
        falsy = http.post(P, json={"name": "b", "variants": 0})

    assert split.json() == invalid(
        "multivariate.variants[0].rollout_percentage must be a number, got str", "filters"
    )
    assert falsy.json() == SERVER_ERROR


def test_401_carries_www_authenticate_only_in_current(
    recorded_server: MockServer, server: MockServer
) -> None:
    old = httpx.get(recorded_server.base_url + P)
    new = httpx.get(server.base_url + P)

    expected = err(
        "authentication_error", "not_authenticated", "Authentication credentials were not provided."
    )
    assert (old.status_code, old.json(), "www-authenticate" in old.headers) == (
        401,
        expected,
        False,
    )
    assert (new.status_code, new.json()) == (401, expected)
    assert new.headers["www-authenticate"] == (
        f'Bearer resource_metadata="{server.base_url}/.well-known/oauth-protected-resource"'
    )


def test_unsupported_method_wording_by_profile(
    recorded_client: httpx.Client, client: httpx.Client
) -> None:
    old = recorded_client.request("TRACE", P)
    new = client.request("TRACE", P)

    assert old.json() == err(
        "authentication_error",
        "permission_denied",
        "This action does not support Personal API Key access",
    )
    assert new.json() == err(
        "authentication_error",
        "permission_denied",
        "This action does not support personal API key access",
    )


DEEP_JSON = b'{"name": "x", "variants": ' + b"[" * 5000 + b"]" * 5000 + b"}"


def test_json_nested_beyond_the_parser_is_posthogs_500_in_both_profiles(
    recorded_client: httpx.Client, client: httpx.Client, strict_client: httpx.Client
) -> None:
    headers = {"Content-Type": "application/json"}
    answers = [
        http.post(P, content=DEEP_JSON, headers=headers)
        for http in (recorded_client, client, strict_client)
    ]

    assert [(a.status_code, a.json()) for a in answers] == [
        (500, SERVER_ERROR),
        (500, SERVER_ERROR),
        (
            400,
            err(
                "invalid_request",
                "parse_error",
                "JSON parse error - Maximum nesting depth exceeded",
            ),
        ),
    ]


def test_list_limit_beyond_bigint_is_posthogs_500(
    recorded_client: httpx.Client, client: httpx.Client
) -> None:
    for http in (recorded_client, client):
        assert http.post(P, json={"name": "a", "variants": CONTROL}).status_code == 201
        response = http.get(P + "?limit=99999999999999999999")
        assert (response.status_code, response.json()) == (500, SERVER_ERROR)


@pytest.mark.parametrize("which", ["recorded_client", "client", "strict_client"])
def test_multipart_without_boundary_gets_djangos_html_400_page(
    which: str, request: pytest.FixtureRequest
) -> None:
    http: httpx.Client = request.getfixturevalue(which)
    content = b'--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--b--\r\n'

    response = http.post(P, content=content, headers={"Content-Type": "multipart/form-data"})

    assert response.status_code == 400
    assert response.headers["content-type"] == HTML
    assert "allow" not in response.headers
    assert response.content == BAD_REQUEST_PAGE
    assert b"<title>Bad Request (400)</title>" in response.content


def test_every_profile_is_the_base_plus_change_entries() -> None:
    assert PROFILES["2025-08"].changes == frozenset()
    assert PROFILES["current"].changes == frozenset(CHANGES_BY_ID)
    assert len(CHANGES_BY_ID) == len(CHANGES)
    assert get_profile("2025-08+falsy_variants_rejected").changes == {"falsy_variants_rejected"}


@pytest.mark.parametrize("change", CHANGES, ids=[change.id for change in CHANGES])
def test_every_change_names_a_file_of_posthogs_code(change: Any) -> None:
    path, _, where = change.source.partition(": ")
    assert re.fullmatch(r"(posthog|ee|products)(/[a-z0-9_]+)+\.py", path), change.source
    assert where
    assert change.summary
