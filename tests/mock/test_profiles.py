"""Each PostHog change entry and its evidence, PostHog's own 500s and strict mode.

`recorded_client` answers as `2025-08` (the recorded server), `client` as `2026-05` (the
default), `strict_client` as `2026-05` in strict mode.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from parity.replay import MOCK_README_PATH, MOCK_README_SECTION
from posthog_mock.app import DROPPED_CONNECTION_DEFECT
from posthog_mock.cli import build_parser
from posthog_mock.errors import BAD_REQUEST_PAGE, SERVER_ERROR_PAGE
from posthog_mock.profiles import (
    CHANGES,
    CHANGES_BY_ID,
    DEFAULT_VERSION,
    PROFILES,
    WITHDRAWN,
    Change,
    UnknownProfileError,
    changes_markdown,
    get_profile,
)
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


NOT_A_DICT = invalid("Experiment variants should be a dictionary of keys -> transforms")

# (variants or a whole body, 2025-08, 2026-05, strict): an expected answer is the status and,
# for an error, its whole body.
CREATE_CASES = [
    pytest.param(0, (500, SERVER_ERROR), (500, SERVER_ERROR), (400, NOT_A_DICT), id="variants-0"),
    pytest.param(
        False, (500, SERVER_ERROR), (500, SERVER_ERROR), (400, NOT_A_DICT), id="variants-false"
    ),
    pytest.param(
        0.0, (500, SERVER_ERROR), (500, SERVER_ERROR), (400, NOT_A_DICT), id="variants-0.0"
    ),
    pytest.param(
        {"control": 100},
        (500, SERVER_ERROR),
        (500, SERVER_ERROR),
        (400, invalid("Experiment variant 'control' should be a dictionary")),
        id="variant-not-an-object",
    ),
    pytest.param(
        with_transforms(["h1"]),
        (500, SERVER_ERROR),
        (500, SERVER_ERROR),
        (400, invalid("Experiment transform [$0] variant 'test' should be a dictionary")),
        id="transform-not-an-object",
    ),
    pytest.param(
        with_transforms("ab"),
        (500, SERVER_ERROR),
        (500, SERVER_ERROR),
        (400, invalid("Experiment variant 'test' transforms should be a list")),
        id="transforms-string",
    ),
    pytest.param(
        with_transforms(5),
        (500, SERVER_ERROR),
        (500, SERVER_ERROR),
        (400, invalid("Experiment variant 'test' transforms should be a list")),
        id="transforms-number",
    ),
    pytest.param(
        with_transforms([{"selector": "h1", "html": "<script>alert(1)</script>"}]),
        (201, None),
        (400, invalid("Transform html in variant 'test' contains disallowed <script> tags")),
        (400, invalid("Transform html in variant 'test' contains disallowed <script> tags")),
        id="transform_script_injection_check",
    ),
    pytest.param(
        {"control": {"rollout_percentage": 100, "transforms": ["h1", {"html": "<script>"}]}},
        (201, None),
        (201, None),
        (201, None),
        id="control-transforms-never-checked",
    ),
    pytest.param(
        two({"rollout_percentage": 150}, {"rollout_percentage": -50}),
        (201, None),
        (201, None),
        (201, None),
        id="split-out-of-range-summing-to-100",
    ),
    pytest.param(
        {"control": {"rollout_percentage": "100"}},
        (500, SERVER_ERROR),
        (500, SERVER_ERROR),
        (
            400,
            invalid(
                "multivariate.variants[0].rollout_percentage must be a number, got str", "filters"
            ),
        ),
        id="split-percentage-string",
    ),
    pytest.param(
        two({"rollout_percentage": 99}, {"rollout_percentage": True}),
        (201, None),
        (201, None),
        (201, None),
        id="split-boolean-counts-as-1",
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


@pytest.mark.parametrize(("case", "recorded", "newest", "strict"), CREATE_CASES)
def test_create_answers_by_profile_and_strict_mode(
    recorded_client: httpx.Client,
    client: httpx.Client,
    strict_client: httpx.Client,
    case: Any,
    recorded: tuple[int, Any],
    newest: tuple[int, Any],
    strict: tuple[int, Any],
) -> None:
    _assert_answer(_create(recorded_client, case), recorded)
    _assert_answer(_create(client, case), newest)
    _assert_answer(_create(strict_client, case), strict)


WITHDRAWN_INPUTS = [
    pytest.param(0, NOT_A_DICT, id="variants-0"),
    pytest.param(
        {"control": []},
        invalid("Experiment variant 'control' should be a dictionary"),
        id="variant",
    ),
    pytest.param(
        with_transforms([None]),
        invalid("Experiment transform [$0] variant 'test' should be a dictionary"),
        id="transform",
    ),
    pytest.param(
        {"control": {"rollout_percentage": [100]}},
        invalid(
            "multivariate.variants[0].rollout_percentage must be a number, got list", "filters"
        ),
        id="percentage",
    ),
]


@pytest.mark.parametrize(("variants", "clear"), WITHDRAWN_INPUTS)
@pytest.mark.parametrize("method", ["PATCH", "PUT"])
def test_updates_with_withdrawn_inputs_answer_500_and_strict_400_leaving_it_unchanged(
    client: httpx.Client, strict_client: httpx.Client, method: str, variants: Any, clear: Any
) -> None:
    for http, expected in ((client, (500, SERVER_ERROR)), (strict_client, (400, clear))):
        created = http.post(P, json={"name": "u", "variants": CONTROL}).json()
        url = f"{P}{created['id']}/"

        response = http.request(method, url, json={"name": "v", "variants": variants})

        assert (response.status_code, response.json()) == expected
        assert http.get(url).json() == created


def test_one_change_on_the_base_answers_only_that_change(
    posthog_mock_factory: Callable[..., MockServer],
) -> None:
    server = posthog_mock_factory(posthog_version="2025-08+transform_script_injection_check")
    headers = {"Authorization": f"Bearer {server.api_key}"}
    with httpx.Client(base_url=server.base_url, headers=headers) as http:
        script = http.post(
            P,
            json={
                "name": "a",
                "variants": with_transforms([{"selector": "a", "text": "<iframe>"}]),
            },
        )
        anonymous = httpx.get(server.base_url + P)

    assert script.json() == invalid(
        "Transform text in variant 'test' contains disallowed <iframe> tags"
    )
    assert (anonymous.status_code, "www-authenticate" in anonymous.headers) == (401, False)


def test_401_carries_www_authenticate_only_in_2026_05(
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
    assert PROFILES["2026-05"].changes == frozenset(CHANGES_BY_ID)
    assert DEFAULT_VERSION == "2026-05"
    assert len(CHANGES_BY_ID) == len(CHANGES)
    assert get_profile("2025-08+personal_api_key_wording").changes == {"personal_api_key_wording"}


def test_the_old_name_current_is_refused_naming_its_new_name() -> None:
    with pytest.raises(UnknownProfileError) as raised:
        get_profile("current")

    assert str(raised.value) == (
        "unknown PostHog version 'current': it was renamed '2026-05' (the newest PostHog the"
        " evidence shows); expected one of 2025-08, 2026-05"
    )


@pytest.mark.parametrize("withdrawn", [w.id for w in WITHDRAWN])
def test_a_withdrawn_change_is_refused_saying_so(withdrawn: str) -> None:
    with pytest.raises(UnknownProfileError) as raised:
        get_profile(f"2025-08+{withdrawn}")

    assert str(raised.value) == (
        f"unknown PostHog change(s) {withdrawn!r} in '2025-08+{withdrawn}' ({withdrawn}:"
        f" withdrawn, no PostHog source); known: {', '.join(CHANGES_BY_ID)}"
    )


@pytest.mark.parametrize("change", CHANGES, ids=[change.id for change in CHANGES])
def test_every_change_has_evidence_a_reviewer_can_open(change: Change) -> None:
    assert change.summary
    assert change.after, "evidence of the change itself, not only of the recorded server"
    for evidence in change.evidence:
        assert evidence.note
        if evidence.kind == "code":
            assert re.fullmatch(r"[0-9a-f]{40}", evidence.commit), evidence
            assert re.fullmatch(r"(posthog|ee|products)(/[a-z0-9_]+)+\.py", evidence.path)
            assert evidence.lines
        elif evidence.kind in ("pr", "report"):
            assert re.fullmatch(
                r"https://github\.com/[\w.-]+/[\w.-]+/(pull|issues)/\d+", evidence.url
            )
        else:
            assert evidence.kind == "recording"
            assert (MOCK_README_PATH.parents[2] / evidence.path).is_file(), evidence.path
        for date in (evidence.first_seen, evidence.last_seen):
            assert date == "" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", date)


def test_the_newest_profile_is_named_by_its_newest_dated_evidence() -> None:
    newest = max(change.last_seen for change in CHANGES)

    assert newest[:7] == "2026-05"


def test_mock_readme_table_of_changes_is_generated_from_the_profiles() -> None:
    document = MOCK_README_PATH.read_text(encoding="utf-8")
    start, end = f"<!-- {MOCK_README_SECTION} -->", f"<!-- /{MOCK_README_SECTION} -->"
    section = document.partition(start)[2].partition(end)[0]

    assert section == f"\n{changes_markdown()}\n", (
        "src/posthog_mock/README.md's table of changes is stale: run python -m parity tables"
    )


def test_version_help_shows_each_changes_evidence() -> None:
    squashed = "".join(build_parser().format_help().split())  # argparse wraps mid-word

    for change in CHANGES:
        assert change.id in squashed
        for evidence in change.after:
            assert "".join(evidence.where().split()) in squashed


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = {"a": value}
    return value


def _next_id(http: httpx.Client) -> int:
    """Create and delete a probe experiment: the next create gets the id after it."""
    probe = http.post(P, json={"name": "probe", "variants": CONTROL}).json()["id"]
    assert http.delete(f"{P}{probe}/").status_code == 204
    return int(probe) + 1


def _assert_server_error_page(response: httpx.Response) -> None:
    assert response.status_code == 500
    assert response.headers["content-type"] == HTML
    assert "allow" not in response.headers
    assert response.content == SERVER_ERROR_PAGE


@pytest.mark.parametrize("which", ["recorded_client", "client"])
def test_integer_beyond_64_bits_is_stored_and_breaks_every_read_until_deleted(
    which: str, request: pytest.FixtureRequest
) -> None:
    http: httpx.Client = request.getfixturevalue(which)
    new_id = _next_id(http)
    variants = {"control": {"rollout_percentage": 100, "x": 2**64}}

    _assert_server_error_page(http.post(P, json={"name": "big", "variants": variants}))
    _assert_server_error_page(http.get(f"{P}{new_id}/"))
    _assert_server_error_page(http.get(P))
    assert http.delete(f"{P}{new_id}/").status_code == 204
    assert http.get(P).json()["count"] == 0


def test_float_read_back_as_a_big_integer_answers_201_then_breaks_reads(
    client: httpx.Client,
) -> None:
    variants = {"control": {"rollout_percentage": 100, "x": 1e20}}

    created = client.post(P, json={"name": "float", "variants": variants})

    assert created.status_code == 201
    assert b'"x":1e20' in created.content
    _assert_server_error_page(client.get(f"{P}{created.json()['id']}/"))
    _assert_server_error_page(client.get(P))


def test_numbers_read_back_through_jsonb_and_render_like_orjson(client: httpx.Client) -> None:
    content = (
        b'{"name": "n", "variants": {"control": {"rollout_percentage": 100, "a": 1e-7,'
        b' "b": 1.5e15, "c": 0.1, "d": -0.0, "e": 1e16, "f": 1.844674407370955e19}}}'
    )

    created = client.post(P, content=content, headers={"Content-Type": "application/json"})
    read = client.get(f"{P}{created.json()['id']}/")
    listed = client.get(P)

    sent = b'"a":1e-7,"b":1500000000000000.0,"c":0.1,"d":-0.0,"e":1e16,"f":1.844674407370955e19'
    stored = b'"a":1e-7,"b":1500000000000000.0,"c":0.1,"d":0.0,"e":10000000000000000,'
    assert sent in created.content
    assert stored + b'"f":18446744073709550000}' in read.content
    assert stored in listed.content


@pytest.mark.parametrize("which", ["recorded_client", "client"])
def test_objects_nested_134_deep_drop_the_list_connection_but_not_retrieve(
    which: str, request: pytest.FixtureRequest
) -> None:
    http: httpx.Client = request.getfixturevalue(which)
    # `variants` (1) > `control` (2) > 134 nested objects: 136 deep.
    variants = {"control": {"rollout_percentage": 100, "x": _nested(134)}}

    created = http.post(P, json={"name": "deep", "variants": variants})

    assert created.status_code == 201
    assert http.get(f"{P}{created.json()['id']}/").status_code == 200
    with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
        http.get(P)
    assert http.delete(f"{P}{created.json()['id']}/").status_code == 204
    assert http.get(P).json()["count"] == 0


def test_objects_nested_144_deep_drop_the_create_answer_and_every_read(
    client: httpx.Client,
) -> None:
    new_id = _next_id(client)
    variants = {"control": {"rollout_percentage": 100, "x": _nested(150)}}

    with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
        client.post(P, json={"name": "deeper", "variants": variants})
    with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
        client.get(f"{P}{new_id}/")
    assert client.delete(f"{P}{new_id}/").status_code == 204


@pytest.mark.parametrize(
    ("value", "what"),
    [
        pytest.param(2**64, "an integer outside [-2**63, 2**64-1]", id="integer"),
        pytest.param(1e20, "an integer outside [-2**63, 2**64-1]", id="float"),
        pytest.param(_nested(140), "objects nested 134 or more deep", id="nesting"),
    ],
)
def test_strict_mode_refuses_what_breaks_reads(
    strict_client: httpx.Client, value: Any, what: str
) -> None:
    variants = {"control": {"rollout_percentage": 100, "x": value}}

    response = strict_client.post(P, json={"name": "bad", "variants": variants})

    assert response.status_code == 400
    body = response.json()
    assert {k: v for k, v in body.items() if k != "detail"} == {
        "type": "validation_error",
        "code": "invalid_input",
        "attr": "variants",
    }
    assert body["detail"].startswith("PostHog stores this value at $")
    assert what in body["detail"]
    assert strict_client.get(P).json()["count"] == 0


def test_reproduced_defects_are_listed_and_mock_bugs_would_not_be(
    server: MockServer, client: httpx.Client
) -> None:
    assert client.post(P, json={"name": "ok", "variants": CONTROL}).status_code == 201
    assert client.get(P + "?limit=99999999999999999999").status_code == 500
    variants = {"control": {"rollout_percentage": 100, "x": _nested(140)}}
    assert client.post(P, json={"name": "deep", "variants": variants}).status_code == 201
    with pytest.raises(httpx.RemoteProtocolError):
        client.get(P)

    listed = httpx.get(f"{server.base_url}/_mock/posthog_defects").json()

    assert listed == {
        "defects": [
            {
                "method": "GET",
                "path": f"{P}?limit=99999999999999999999",
                "status": 500,
                "defect": "Ensure this value is less than or equal to 9223372036854775807.",
            },
            {"method": "GET", "path": P, "status": 0, "defect": DROPPED_CONNECTION_DEFECT},
        ]
    }
    server.reset()
    assert httpx.get(f"{server.base_url}/_mock/posthog_defects").json() == {"defects": []}


@pytest.mark.parametrize(("behind_proxy", "host"), [(True, "proxy.example"), (False, None)])
def test_forwarded_host_is_trusted_only_behind_a_proxy(
    posthog_mock_factory: Callable[..., MockServer], behind_proxy: bool, host: str | None
) -> None:
    config = f"[server]\nbehind_proxy = {str(behind_proxy).lower()}\n[[projects]]\nid = 1\n"
    config += '[[keys]]\nvalue = "phx_k"\n'
    server = posthog_mock_factory(config=config)
    headers = {"Authorization": "Bearer phx_k", "X-Forwarded-Host": "proxy.example"}
    with httpx.Client(base_url=server.base_url, headers=headers) as http:
        for name in ("one", "two"):
            assert http.post(P, json={"name": name, "variants": CONTROL}).status_code == 201
        listed = http.get(P + "?limit=1").json()

    expected_host = host or f"127.0.0.1:{server.port}"
    assert listed["next"] == f"http://{expected_host}{P}?limit=1&offset=1"


def test_json_nested_beyond_the_parser_is_a_500_whatever_recursion_limit_the_host_set(
    recorded_client: httpx.Client,
) -> None:
    # The in-process mock shares its host's recursion limit, which test runners raise.
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(20_000)
    try:
        answer = recorded_client.post(
            P, content=DEEP_JSON, headers={"Content-Type": "application/json"}
        )
    finally:
        sys.setrecursionlimit(limit)

    assert (answer.status_code, answer.json()) == (500, SERVER_ERROR)
