"""Field, variant and flag-split validation with PostHog's codes, attrs and messages (§2-§4, §8)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.mock.helpers import err, invalid
from tests.payloads import STD

P = "/api/projects/1/web_experiments/"
CONTROL_100 = {"control": {"rollout_percentage": 100}}
DATETIME_HINT = (
    "Datetime has wrong format. Use one of these formats instead: "
    "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
)
NO_CONTROL = invalid("Experiment should contain a control variant")
NOT_A_DICT = invalid("Experiment variants should be a dictionary of keys -> transforms")
SUM_100 = invalid(
    "Invalid variant definitions: Variant rollout percentages must sum to 100.", "filters"
)


def post_raw(client: httpx.Client, body: Any) -> httpx.Response:
    """POST JSON written by hand so infinities go out as `1e400` (httpx refuses them)."""
    content = json.dumps(body).replace("Infinity", "1e400").encode()
    return client.post(P, content=content, headers={"Content-Type": "application/json"})


def two(control: Any, test: Any) -> dict[str, Any]:
    return {"control": control, "test": test}


def with_transform(transform: Any) -> dict[str, Any]:
    return two({"rollout_percentage": 50}, {"rollout_percentage": 50, "transforms": [transform]})


NAME_CASES = [
    pytest.param(
        {"variants": CONTROL_100},
        err("validation_error", "required", "This field is required.", "name"),
        id="name-missing",
    ),
    pytest.param(
        {"name": None, "variants": CONTROL_100},
        err("validation_error", "null", "This field may not be null.", "name"),
        id="name-null",
    ),
    pytest.param(
        {"name": "", "variants": CONTROL_100},
        err("validation_error", "blank", "This field may not be blank.", "name"),
        id="name-empty",
    ),
    pytest.param(
        {"name": " \t\n ", "variants": CONTROL_100},
        err("validation_error", "blank", "This field may not be blank.", "name"),
        id="name-whitespace",
    ),
    pytest.param(
        {"name": True, "variants": CONTROL_100},
        invalid("Not a valid string.", "name"),
        id="name-true",
    ),
    pytest.param(
        {"name": False, "variants": CONTROL_100},
        invalid("Not a valid string.", "name"),
        id="name-false",
    ),
    pytest.param(
        {"name": {"a": 1}, "variants": CONTROL_100},
        invalid("Not a valid string.", "name"),
        id="name-object",
    ),
    pytest.param(
        {"name": ["a"], "variants": CONTROL_100},
        invalid("Not a valid string.", "name"),
        id="name-array",
    ),
    pytest.param(
        {"name": "x" * 401, "variants": CONTROL_100},
        err(
            "validation_error",
            "max_length",
            "Ensure this field has no more than 400 characters.",
            "name",
        ),
        id="name-401",
    ),
    pytest.param(
        {"name": "a\x00b", "variants": CONTROL_100},
        err(
            "validation_error",
            "null_characters_not_allowed",
            "Null characters are not allowed.",
            "name",
        ),
        id="name-nul",
    ),
    pytest.param(
        {"name": "x" * 401 + "\x00", "variants": CONTROL_100},
        err(
            "validation_error",
            "max_length",
            "Ensure this field has no more than 400 characters.",
            "name",
        ),
        id="name-long-beats-nul",
    ),
]

FIELD_ORDER_CASES = [
    pytest.param(
        {},
        err("validation_error", "required", "This field is required.", "name"),
        id="empty-body-name-first",
    ),
    pytest.param(
        {"name": "ok"},
        err("validation_error", "required", "This field is required.", "variants"),
        id="variants-missing",
    ),
    pytest.param(
        {"name": "ok", "variants": None},
        err("validation_error", "null", "This field may not be null.", "variants"),
        id="variants-null",
    ),
    pytest.param(
        {"name": "", "variants": {}},
        err("validation_error", "blank", "This field may not be blank.", "name"),
        id="field-error-beats-rule",
    ),
    pytest.param(
        {"name": "ok", "variants": {}, "created_at": "nope"},
        invalid(DATETIME_HINT, "created_at"),
        id="created-at-checked-on-create",
    ),
    pytest.param(
        {"name": "ok", "variants": CONTROL_100, "created_at": None},
        err("validation_error", "null", "This field may not be null.", "created_at"),
        id="created-at-null",
    ),
    pytest.param(
        {"name": "ok", "variants": CONTROL_100, "created_at": 5},
        invalid(DATETIME_HINT, "created_at"),
        id="created-at-number",
    ),
    pytest.param(
        {"name": "ok", "variants": CONTROL_100, "created_at": "2025-13-01T00:00:00Z"},
        invalid(DATETIME_HINT, "created_at"),
        id="created-at-bad-month",
    ),
    pytest.param(
        {"name": "ok", "variants": CONTROL_100, "created_at": "0001-01-01T00:00:00+01:00"},
        err("validation_error", "overflow", "Datetime value out of range.", "created_at"),
        id="created-at-overflow",
    ),
]

VARIANT_CASES = [
    pytest.param([], NO_CONTROL, id="empty-list"),
    pytest.param("", NO_CONTROL, id="empty-string"),
    pytest.param({}, NO_CONTROL, id="empty-object"),
    pytest.param(["control"], NOT_A_DICT, id="non-empty-list"),
    pytest.param("control", NOT_A_DICT, id="string"),
    pytest.param(5, NOT_A_DICT, id="number"),
    pytest.param(True, NOT_A_DICT, id="true"),
    pytest.param({"test": {"rollout_percentage": 100}}, NO_CONTROL, id="no-control"),
    pytest.param(
        {"control": {}},
        invalid("Experiment variant 'control' does not have any rollout percentage"),
        id="control-without-rollout",
    ),
    pytest.param(
        {"control": {"rollout_percentage": None}},
        invalid("Experiment variant 'control' does not have any rollout percentage"),
        id="rollout-null",
    ),
    pytest.param(
        two({"rollout_percentage": 50}, {"transforms": []}),
        invalid("Experiment variant 'test' does not have any rollout percentage"),
        id="test-without-rollout",
    ),
    pytest.param(
        with_transform({"text": "t"}),
        invalid("Experiment transform [$0] variant 'test' does not have a valid selector"),
        id="transform-without-selector",
    ),
    pytest.param(
        with_transform({"selector": None}),
        invalid("Experiment transform [$0] variant 'test' does not have a valid selector"),
        id="transform-selector-null",
    ),
    pytest.param(
        two(
            {"rollout_percentage": 50},
            {"rollout_percentage": 50, "transforms": [{"selector": "a"}, {}]},
        ),
        invalid("Experiment transform [$1] variant 'test' does not have a valid selector"),
        id="second-transform-index",
    ),
    pytest.param(
        two(
            {"rollout_percentage": 50, "transforms": [{"text": "no selector needed"}]},
            {"rollout_percentage": 50},
        ),
        None,
        id="control-transform-needs-no-selector",
    ),
    pytest.param(
        {"variant #1": {"rollout_percentage": 50}, "control": {"rollout_percentage": 50}},
        None,
        id="free-text-variant-name",
    ),
    pytest.param(
        two({"rollout_percentage": 50}, {}),
        invalid("Experiment variant 'test' does not have any rollout percentage"),
        id="rollout-before-selector-check",
    ),
]

# (field, content, what the detail names after "contains disallowed "), as PostHog's
# `validate_no_xss` words it (evidence: `transform_script_injection_check`).
UNSAFE_CASES = [
    pytest.param("html", "<script>alert(1)</script>", "<script> tags", id="script-tag"),
    pytest.param("html", "<SCRIPT src=x>", "<script> tags", id="script-tag-uppercase"),
    pytest.param("html", "x</script>", "</script> tags", id="lone-closing-script-tag"),
    pytest.param(
        "html",
        '<img src="x" onerror="alert(1)">',
        "event handlers (onclick, onerror, etc.)",
        id="onerror",
    ),
    pytest.param(
        "html", "<div\tonclick =go()>", "event handlers (onclick, onerror, etc.)", id="onclick"
    ),
    pytest.param(
        "html", '<a href="javascript:alert(1)">x</a>', "javascript: protocol", id="javascript-url"
    ),
    pytest.param(
        "html", '<a href="data:text/html;base64,xx">x</a>', "data:text/html", id="data-url"
    ),
    pytest.param("html", '<iframe src="https://x"></iframe>', "<iframe> tags", id="iframe"),
    pytest.param("html", '<object data="x"></object>', "<object> or <embed> tags", id="object"),
    pytest.param("html", '<EMBED src="x">', "<object> or <embed> tags", id="embed"),
    pytest.param("text", "<script>x</script>", "<script> tags", id="script-in-text"),
    pytest.param(
        "html", '<iframe src="javascript:x">', "javascript: protocol", id="patterns-in-order"
    ),
]

# Content the source's patterns do not match: stored as sent.
SAFE_CASES = [
    pytest.param("html", "<script src=x", id="script-tag-never-closed"),
    pytest.param("text", "onclick=go()", id="handler-without-whitespace-before"),
    pytest.param("html", "<iframe", id="iframe-never-closed"),
    pytest.param("html", "<b>bold</b> and <em>some</em> text", id="plain-html"),
    pytest.param("text", ["<script>"], id="non-string-not-checked"),
]

SPLIT_CASES = [
    pytest.param(
        two({"rollout_percentage": 1e400}, {"rollout_percentage": 50}),
        invalid("Value must be valid JSON.", "variants"),
        id="infinite-refused-by-the-json-field-first",
    ),
    pytest.param(two({"rollout_percentage": 50}, {"rollout_percentage": 40}), SUM_100, id="sum-90"),
    pytest.param(
        two({"rollout_percentage": 60}, {"rollout_percentage": 50}), SUM_100, id="sum-110"
    ),
    pytest.param({"control": {"rollout_percentage": 99.9}}, SUM_100, id="sum-99.9"),
    pytest.param(
        two({"rollout_percentage": 50}, {"rollout_percentage": True}),
        SUM_100,
        id="bool-counts-as-1",
    ),
    pytest.param(
        two({"rollout_percentage": 10**30}, {"rollout_percentage": 1}), SUM_100, id="huge-int"
    ),
]

# A percentage that is not a number makes PostHog's sum raise: its 500, strict mode's 400.
NOT_A_NUMBER_CASES = [
    pytest.param(two({"rollout_percentage": "50"}, {"rollout_percentage": 50}), 0, "str"),
    pytest.param(two({"rollout_percentage": 50}, {"rollout_percentage": [50]}), 1, "list"),
    pytest.param(two({"rollout_percentage": {}}, {"rollout_percentage": 100}), 0, "dict"),
]


@pytest.mark.parametrize(("body", "expected"), NAME_CASES + FIELD_ORDER_CASES)
def test_create_with_invalid_field_returns_400(
    client: httpx.Client, body: dict[str, Any], expected: dict[str, Any]
) -> None:
    response = client.post(P, json=body)

    assert response.status_code == 400
    assert response.json() == expected


@pytest.mark.parametrize(("variants", "expected"), VARIANT_CASES)
def test_create_variant_rules_in_posthog_order(
    client: httpx.Client, variants: Any, expected: dict[str, Any] | None
) -> None:
    response = client.post(P, json={"name": "v", "variants": variants})

    if expected is None:
        assert response.status_code == 201, response.text
    else:
        assert response.status_code == 400
        assert response.json() == expected


@pytest.mark.parametrize(("field", "content", "what"), UNSAFE_CASES)
def test_create_with_disallowed_content_returns_400_naming_field_and_variant(
    client: httpx.Client, field: str, content: str, what: str
) -> None:
    variants = with_transform({"selector": "h1", field: content})

    response = client.post(P, json={"name": "xss", "variants": variants})

    assert response.status_code == 400
    assert response.json() == invalid(
        f"Transform {field} in variant 'test' contains disallowed {what}"
    )


@pytest.mark.parametrize(("field", "content"), SAFE_CASES)
def test_create_with_content_the_patterns_miss_stores_it(
    client: httpx.Client, field: str, content: Any
) -> None:
    variants = with_transform({"selector": "h1", field: content})

    response = client.post(P, json={"name": "safe", "variants": variants})

    assert response.status_code == 201, response.text
    assert response.json()["variants"]["test"]["transforms"] == [{"selector": "h1", field: content}]


def test_control_variant_content_is_never_checked(client: httpx.Client) -> None:
    variants = {"control": {"rollout_percentage": 100, "transforms": [{"html": "<iframe>"}]}}

    response = client.post(P, json={"name": "xss", "variants": variants})

    assert response.status_code == 201, response.text


def test_text_is_checked_before_html(client: httpx.Client) -> None:
    variants = with_transform({"selector": "h1", "html": "<script>", "text": "<iframe>"})

    response = client.post(P, json={"name": "xss", "variants": variants})

    assert response.json() == invalid(
        "Transform text in variant 'test' contains disallowed <iframe> tags"
    )


def test_content_is_checked_right_after_its_transforms_selector(client: httpx.Client) -> None:
    # PostHog checks each transform's content inside the selector loop: the first transform's
    # script wins over the second transform's missing selector and the next variant's missing
    # percentage.
    variants = {
        "control": {"rollout_percentage": 50},
        "a": {"rollout_percentage": 50, "transforms": [{"selector": "h1", "html": "<script>"}, {}]},
        "b": {},
    }

    response = client.post(P, json={"name": "order", "variants": variants})

    assert response.json() == invalid(
        "Transform html in variant 'a' contains disallowed <script> tags"
    )


def test_missing_selector_of_an_earlier_transform_wins_over_later_content(
    client: httpx.Client,
) -> None:
    variants = {
        "control": {"rollout_percentage": 50},
        "a": {
            "rollout_percentage": 50,
            "transforms": [{"html": "x"}, {"selector": "h1", "html": "<script>"}],
        },
    }

    response = client.post(P, json={"name": "order", "variants": variants})

    assert response.json() == invalid(
        "Experiment transform [$0] variant 'a' does not have a valid selector"
    )


def test_2025_08_stores_disallowed_content(recorded_client: httpx.Client) -> None:
    variants = with_transform({"selector": "h1", "html": "<script>alert(1)</script>"})

    response = recorded_client.post(P, json={"name": "xss", "variants": variants})

    assert response.status_code == 201, response.text


def test_selector_check_runs_before_unsafe_content_check(client: httpx.Client) -> None:
    variants = two(
        {"rollout_percentage": 50, "transforms": [{"html": "<script>"}]},
        {"rollout_percentage": 50, "transforms": [{"text": "x"}]},
    )

    response = client.post(P, json={"name": "order", "variants": variants})

    assert response.json() == invalid(
        "Experiment transform [$0] variant 'test' does not have a valid selector"
    )


@pytest.mark.parametrize(("variants", "expected"), SPLIT_CASES)
def test_create_with_bad_split_returns_400_attr_filters(
    client: httpx.Client, variants: Any, expected: dict[str, Any]
) -> None:
    response = post_raw(client, {"name": "split", "variants": variants})

    assert response.status_code == 400
    assert response.json() == expected


@pytest.mark.parametrize(("variants", "index", "type_name"), NOT_A_NUMBER_CASES)
def test_split_percentage_not_a_number_is_posthogs_500_or_strict_400(
    client: httpx.Client,
    strict_client: httpx.Client,
    variants: Any,
    index: int,
    type_name: str,
) -> None:
    body = {"name": "split", "variants": variants}

    answers = [http.post(P, json=body) for http in (client, strict_client)]

    assert [(a.status_code, a.json()) for a in answers] == [
        (500, err("server_error", "error", "A server error occurred.")),
        (
            400,
            invalid(
                f"multivariate.variants[{index}].rollout_percentage must be a number,"
                f" got {type_name}",
                "filters",
            ),
        ),
    ]


def test_split_out_of_range_summing_to_100_is_stored(client: httpx.Client) -> None:
    variants = two({"rollout_percentage": 150}, {"rollout_percentage": -50})

    response = client.post(P, json={"name": "split", "variants": variants})

    assert response.status_code == 201, response.text
    assert response.json()["variants"] == variants


def test_split_of_floats_summing_to_100_is_accepted(client: httpx.Client) -> None:
    variants = {
        "control": {"rollout_percentage": 33.3},
        "a": {"rollout_percentage": 33.3},
        "b": {"rollout_percentage": 33.4},
    }

    response = client.post(P, json={"name": "floats", "variants": variants})

    assert response.status_code == 201
    assert response.json()["variants"]["b"] == {"rollout_percentage": 33.4}


def test_name_whose_flag_key_exceeds_400_returns_400_attr_key(client: httpx.Client) -> None:
    response = client.post(P, json={"name": "a" * 367, "variants": CONTROL_100})

    assert response.status_code == 400
    assert response.json() == err(
        "validation_error",
        "max_length",
        "Ensure this field has no more than 400 characters.",
        "key",
    )


def test_name_whose_flag_key_exceeds_319_in_strict_mode_returns_400_attr_key(
    strict_client: httpx.Client,
) -> None:
    # PostHog answers 500 here: its usage dashboard cannot describe a longer key.
    response = strict_client.post(P, json={"name": "a" * 366, "variants": CONTROL_100})

    assert response.status_code == 400
    assert response.json() == err(
        "validation_error",
        "max_length",
        "Ensure this field has no more than 319 characters.",
        "key",
    )


def test_name_whose_flag_key_is_exactly_319_returns_201(client: httpx.Client) -> None:
    response = client.post(P, json={"name": "a" * 285, "variants": CONTROL_100})

    assert response.status_code == 201
    assert len(response.json()["feature_flag_key"]) == 319


def test_flag_key_check_runs_before_split_check(client: httpx.Client) -> None:
    variants = {"control": {"rollout_percentage": 1}}

    response = client.post(P, json={"name": "a" * 399, "variants": variants})

    assert response.json()["attr"] == "key"


def test_variant_rules_run_before_flag_key_check(client: httpx.Client) -> None:
    response = client.post(P, json={"name": "a" * 399, "variants": {}})

    assert response.json() == NO_CONTROL


def test_patch_without_variants_returns_400_no_variants(client: httpx.Client) -> None:
    created = client.post(P, json=STD).json()

    response = client.patch(f"{P}{created['id']}/", json={"name": "x"})

    assert response.status_code == 400
    assert response.json() == invalid("Experiment does not have any variants")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            {"variants": None},
            err("validation_error", "null", "This field may not be null.", "variants"),
            id="variants-null",
        ),
        pytest.param(
            {"name": "", "variants": CONTROL_100},
            err("validation_error", "blank", "This field may not be blank.", "name"),
            id="name-blank",
        ),
        pytest.param(
            {"name": "x"}, invalid("Experiment does not have any variants"), id="name-only"
        ),
        pytest.param(
            {"name": True},
            invalid("Not a valid string.", "name"),
            id="field-error-before-missing-variants",
        ),
        pytest.param(
            {"variants": {"test": {"rollout_percentage": 100}}}, NO_CONTROL, id="no-control"
        ),
        pytest.param(
            {"variants": {"control": {"rollout_percentage": 50}}}, SUM_100, id="bad-split"
        ),
        pytest.param(
            {"variants": CONTROL_100, "created_at": "yesterday"},
            invalid(DATETIME_HINT, "created_at"),
            id="bad-created-at",
        ),
    ],
)
def test_patch_with_invalid_body_returns_400(
    client: httpx.Client, body: dict[str, Any], expected: dict[str, Any]
) -> None:
    created = client.post(P, json=STD).json()

    response = client.patch(f"{P}{created['id']}/", json=body)

    assert response.status_code == 400
    assert response.json() == expected


def test_put_without_variants_returns_400_required(client: httpx.Client) -> None:
    created = client.post(P, json=STD).json()

    response = client.put(f"{P}{created['id']}/", json={"name": "x"})

    assert response.json() == err(
        "validation_error", "required", "This field is required.", "variants"
    )


def test_failed_update_changes_nothing(client: httpx.Client) -> None:
    created = client.post(P, json=STD).json()

    client.put(
        f"{P}{created['id']}/",
        json={"name": "x", "variants": {"control": {"rollout_percentage": 1}}},
    )

    assert client.get(f"{P}{created['id']}/").json() == created


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(
            b"[]", invalid("Invalid data. Expected a dictionary, but got list."), id="array"
        ),
        pytest.param(
            b'"x"', invalid("Invalid data. Expected a dictionary, but got str."), id="string"
        ),
        pytest.param(
            b"5", invalid("Invalid data. Expected a dictionary, but got int."), id="number"
        ),
        pytest.param(b"null", err("validation_error", "null", "No data provided"), id="null"),
        pytest.param(
            b"{",
            err(
                "invalid_request",
                "parse_error",
                "JSON parse error - Expecting property name enclosed in double quotes: "
                "line 1 column 2 (char 1)",
            ),
            id="truncated",
        ),
        pytest.param(
            b"nope",
            err(
                "invalid_request",
                "parse_error",
                "JSON parse error - Expecting value: line 1 column 1 (char 0)",
            ),
            id="not-json",
        ),
        pytest.param(
            b'{"name": "x", "variants": NaN}',
            invalid("Value must be valid JSON.", "variants"),
            id="nan-parses-and-the-json-field-refuses-it",
        ),
        pytest.param(
            b"\xff\xfe",
            err(
                "invalid_request",
                "parse_error",
                "JSON parse error - 'utf-8' codec can't decode byte 0xff in position 0: "
                "invalid start byte",
            ),
            id="not-utf8",
        ),
    ],
)
def test_create_with_undecodable_body_returns_400(
    client: httpx.Client, content: bytes, expected: dict[str, Any]
) -> None:
    response = client.post(P, content=content, headers={"Content-Type": "application/json"})

    assert response.status_code == 400
    assert response.json() == expected


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "text/plain; charset=utf-8", "application/xml", ""],
)
def test_create_with_other_content_type_returns_415(
    client: httpx.Client, content_type: str
) -> None:
    response = client.post(P, content=b'{"name": "x"}', headers={"Content-Type": content_type})

    assert response.status_code == 415
    assert response.json() == err(
        "invalid_request",
        "unsupported_media_type",
        f'Unsupported media type "{content_type}" in request.',
    )


def test_create_with_charset_latin1_decodes_body(client: httpx.Client) -> None:
    body = '{"name": "caf\xe9", "variants": {"control": {"rollout_percentage": 100}}}'

    response = client.post(
        P,
        content=body.encode("latin-1"),
        headers={"Content-Type": "application/json; charset=latin-1"},
    )

    assert response.status_code == 201
    assert response.json()["name"] == "caf\xe9"


def test_create_over_max_body_bytes_returns_413_envelope(client: httpx.Client) -> None:
    response = client.post(P, json={"name": "x" * 1_048_577})

    assert response.status_code == 413
    assert response.json() == err(
        "invalid_request", "payload_too_large", "Request body exceeded 1048576 bytes."
    )


def test_chunked_body_over_max_body_bytes_returns_413(client: httpx.Client) -> None:
    def chunks() -> Any:
        for _ in range(300):
            yield b"x" * 4096

    response = client.post(P, content=chunks(), headers={"Content-Type": "application/json"})

    assert response.status_code == 413
    assert response.json() == err(
        "invalid_request", "payload_too_large", "Request body exceeded 1048576 bytes."
    )


@pytest.mark.parametrize(
    ("variants", "expected"),
    [
        pytest.param(
            {"control": {"rollout_percentage": 100, "t": "a\x00"}},
            err(
                "validation_error",
                "null_characters_not_allowed",
                "Null characters are not allowed.",
                "variants",
            ),
            id="nul-posthog-500",
        ),
        pytest.param(
            {"control": {"rollout_percentage": 100, "big": 1e400}},
            invalid("Value must be valid JSON.", "variants"),
            id="infinity",
        ),
    ],
)
def test_variants_postgres_would_refuse_in_strict_mode_return_400(
    strict_client: httpx.Client, variants: Any, expected: dict[str, Any]
) -> None:
    response = post_raw(strict_client, {"name": "db", "variants": variants})

    assert response.status_code == 400
    assert response.json() == expected


def test_lone_surrogate_in_variants_in_strict_mode_returns_400(
    strict_client: httpx.Client,
) -> None:
    content = b'{"name": "s", "variants": {"control": {"rollout_percentage": 100, "t": "\\ud800"}}}'

    response = strict_client.post(P, content=content, headers={"Content-Type": "application/json"})

    assert response.json() == err(
        "validation_error",
        "surrogate_characters_not_allowed",
        "Surrogate characters are not allowed: U+D800.",
        "variants",
    )


def test_error_quoting_a_lone_surrogate_variant_name_is_valid_json(client: httpx.Client) -> None:
    content = b'{"name": "s", "variants": {"control": {"rollout_percentage": 100}, "\\ud800": {}}}'

    response = client.post(P, content=content, headers={"Content-Type": "application/json"})

    assert response.status_code == 400
    assert response.json() == invalid(
        "Experiment variant '\ud800' does not have any rollout percentage"
    )
