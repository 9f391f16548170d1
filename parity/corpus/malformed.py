"""Malformed input: broken JSON, bodies that are not objects, values the database refuses (§8)."""

from __future__ import annotations

from parity.corpus._helpers import Area, P, control_only, create, detail_path, post
from parity.model import Step

AREA = "malformed_input"
scenario = Area(AREA)


def raw(data: str | bytes, rule: str, **kwargs: object) -> Step:
    """POST raw bytes as application/json."""
    return Step("POST", P, data=data, content_type="application/json", rule=rule, **kwargs)  # type: ignore[arg-type]


DEEP = '{"name": "x", "variants": ' + "[" * 5000 + "]" * 5000 + "}"

SCENARIOS = (
    scenario(
        "malformed_json",
        "broken JSON: 400 parse_error",
        raw('{"name": ', "truncated"),
        raw('{"name": "x",}', "trailing comma"),
        raw("{'name': 'x'}", "single quotes"),
        raw("nope", "not JSON at all"),
    ),
    scenario(
        "malformed_json_constants",
        "NaN and Infinity are not JSON",
        raw('{"name": "x", "variants": {"control": {"rollout_percentage": NaN}}}', "NaN"),
        raw('{"name": "x", "variants": {"control": {"rollout_percentage": Infinity}}}', "Infinity"),
    ),
    scenario(
        "malformed_body_not_object",
        "a JSON body that is not an object",
        post([], rule="empty list"),
        post([{"name": "x"}], rule="list"),
        post("name", rule="string"),
        post(5, rule="number"),
        post(None, rule="null"),
        post(True, rule="true"),
    ),
    scenario(
        "malformed_invalid_utf8",
        "bytes that are not UTF-8",
        raw(
            b'{"name": "\xff\xfe", "variants": {"control": {"rollout_percentage": 100}}}',
            "invalid utf-8",
        ),
    ),
    scenario(
        "malformed_latin1_charset",
        "a declared charset is honoured",
        Step(
            "POST",
            P,
            data='{"name": "caf\u00e9", "variants": {"control": '
            '{"rollout_percentage": 100}}}'.encode("latin-1"),
            content_type="application/json; charset=latin-1",
            rule="latin-1",
        ),
    ),
    scenario(
        "malformed_deep_nesting", "JSON nested deeper than the parser allows", raw(DEEP, "deep")
    ),
    scenario(
        "malformed_nul_in_variants",
        "a NUL character inside variants",
        post(
            {"name": "x", "variants": {"control": {"rollout_percentage": 100, "note": "a\u0000b"}}},
            rule="nul",
        ),
    ),
    scenario(
        "malformed_huge_number",
        "a number too large for a float",
        raw('{"name": "x", "variants": {"control": {"rollout_percentage": 1e400}}}', "1e400"),
    ),
    scenario(
        "malformed_duplicate_keys",
        "duplicate JSON keys: the last wins",
        raw(
            '{"name": "First", "name": "Last", "variants": {"control": '
            '{"rollout_percentage": 100}}}',
            "duplicates",
            name="create",
        ),
    ),
    scenario(
        "malformed_patch_json",
        "broken JSON on PATCH, after the 404 check",
        create(variants=control_only()),
        Step("PATCH", detail_path(), data='{"variants": ', content_type="application/json"),
        Step("DELETE", detail_path()),
        Step("PATCH", detail_path(), data='{"variants": ', content_type="application/json"),
    ),
)
