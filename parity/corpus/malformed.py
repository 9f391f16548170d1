"""Malformed input: broken JSON, bodies that are not objects, values the database refuses (§8)."""

from __future__ import annotations

from parity.corpus._helpers import (
    P,
    control_only,
    create,
    detail_path,
    post,
)
from parity.model import Scenario, Step

AREA = "malformed_input"


def raw(data: str | bytes, rule: str, **kwargs: object) -> Step:
    """POST raw bytes as application/json."""
    return Step("POST", P, data=data, content_type="application/json", rule=rule, **kwargs)  # type: ignore[arg-type]


DEEP = '{"name": "x", "variants": ' + "[" * 5000 + "]" * 5000 + "}"

SCENARIOS = (
    Scenario(
        "malformed_json",
        AREA,
        "broken JSON: 400 parse_error",
        (
            raw('{"name": ', "truncated"),
            raw('{"name": "x",}', "trailing comma"),
            raw("{'name': 'x'}", "single quotes"),
            raw("nope", "not JSON at all"),
        ),
    ),
    Scenario(
        "malformed_json_constants",
        AREA,
        "NaN and Infinity are not JSON",
        (
            raw(
                '{"name": "x", "variants": {"control": {"rollout_percentage": NaN}}}',
                "NaN",
            ),
            raw(
                '{"name": "x", "variants": {"control": {"rollout_percentage": Infinity}}}',
                "Infinity",
            ),
        ),
    ),
    Scenario(
        "malformed_body_not_object",
        AREA,
        "a JSON body that is not an object",
        (
            post([], rule="empty list"),
            post([{"name": "x"}], rule="list"),
            post("name", rule="string"),
            post(5, rule="number"),
            post(None, rule="null"),
            post(True, rule="true"),
        ),
    ),
    Scenario(
        "malformed_invalid_utf8",
        AREA,
        "bytes that are not UTF-8",
        (
            raw(
                b'{"name": "\xff\xfe", "variants": {"control": {"rollout_percentage": 100}}}',
                "invalid utf-8",
            ),
        ),
    ),
    Scenario(
        "malformed_latin1_charset",
        AREA,
        "a declared charset is honoured",
        (
            Step(
                "POST",
                P,
                data='{"name": "caf\u00e9", "variants": {"control": '
                '{"rollout_percentage": 100}}}'.encode("latin-1"),
                content_type="application/json; charset=latin-1",
                rule="latin-1",
            ),
        ),
    ),
    Scenario(
        "malformed_deep_nesting",
        AREA,
        "JSON nested deeper than the parser allows",
        (
            raw(
                DEEP,
                "deep",
            ),
        ),
    ),
    Scenario(
        "malformed_nul_in_variants",
        AREA,
        "a NUL character inside variants",
        (
            post(
                {
                    "name": "x",
                    "variants": {"control": {"rollout_percentage": 100, "note": "a\u0000b"}},
                },
                rule="nul",
            ),
        ),
    ),
    Scenario(
        "malformed_huge_number",
        AREA,
        "a number too large for a float",
        (raw('{"name": "x", "variants": {"control": {"rollout_percentage": 1e400}}}', "1e400"),),
    ),
    Scenario(
        "malformed_duplicate_keys",
        AREA,
        "duplicate JSON keys: the last wins",
        (
            raw(
                '{"name": "First", "name": "Last", "variants": {"control": '
                '{"rollout_percentage": 100}}}',
                "duplicates",
                name="create",
            ),
        ),
    ),
    Scenario(
        "malformed_patch_json",
        AREA,
        "broken JSON on PATCH, after the 404 check",
        (
            create(variants=control_only()),
            Step("PATCH", detail_path(), data='{"variants": ', content_type="application/json"),
            Step("DELETE", detail_path()),
            Step("PATCH", detail_path(), data='{"variants": ', content_type="application/json"),
        ),
    ),
)
