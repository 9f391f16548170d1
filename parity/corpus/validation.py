"""Create validation: every field and variant rule and their order (reference §2-§4)."""

from __future__ import annotations

from typing import Any

from parity.corpus._helpers import (
    Area,
    control_only,
    create,
    detail_path,
    get,
    post,
    split_test,
    std_variants,
)
from parity.model import Scenario, Step

AREA = "validation"
scenario = Area(AREA)


def one(name: str, rule: str, body: Any) -> Scenario:
    """Build a scenario of a single create."""
    return scenario(name, rule, post(body, rule=rule))


def bad_variants(name: str, rule: str, variants: Any) -> Scenario:
    """Build a scenario of a single create named `x` with these variants."""
    return one(name, rule, {"name": "x", "variants": variants})


V = std_variants()

SCENARIOS = (
    one("name_missing", "name is required", {"variants": V}),
    one("name_null", "name may not be null", {"name": None, "variants": V}),
    one("name_blank", "name may not be blank", {"name": "", "variants": V}),
    one("name_whitespace", "whitespace-only name is blank", {"name": "   \t", "variants": V}),
    one("name_true", "a boolean name is not a string", {"name": True, "variants": V}),
    one("name_object", "an object name is not a string", {"name": {"a": 1}, "variants": V}),
    one("name_list", "a list name is not a string", {"name": ["a"], "variants": V}),
    scenario(
        "name_number_coerced",
        "numbers are coerced to strings",
        post({"name": 12345, "variants": V}, rule="201", name="create"),
        post({"name": 1.5, "variants": V}, rule="201 float"),
    ),
    scenario(
        "name_trimmed",
        "surrounding whitespace is trimmed",
        post({"name": "  Padded name  ", "variants": V}, rule="201"),
    ),
    scenario(
        "name_max_length",
        "names up to 400 characters, flag keys up to 400",
        post({"name": "n" * 400, "variants": control_only()}, rule="400 chars: key too long"),
        post(
            {"name": "n" * 366, "variants": control_only()},
            rule="366 chars: a 400-character key, too long for the usage dashboard",
        ),
        post({"name": "n" * 367, "variants": control_only()}, rule="367: key too long"),
        post({"name": "n" * 401, "variants": control_only()}, rule="401: max_length"),
    ),
    scenario(
        "name_usage_dashboard_boundary",
        "a 319-character flag key is the longest PostHog can create",
        post({"name": "d" * 285, "variants": control_only()}, rule="key of 319: 201"),
        post({"name": "d" * 286, "variants": control_only()}, rule="key of 320"),
        post(
            {"name": " ".join(["word"] * 57), "variants": control_only()},
            rule="spaces become dashes: key of 318",
        ),
        post(
            {"name": "é" * 300, "variants": control_only()},
            rule="accents become ASCII: a key of 334",
        ),
    ),
    scenario(
        "name_unicode_slug",
        "flag keys are Django slugs of the name",
        post({"name": "Hello, World!", "variants": control_only()}, rule="slug"),
        post({"name": "Ünïcödé — tést", "variants": control_only()}, rule="ascii slug"),
        post(
            {"name": "active_web_experiment", "variants": control_only()}, rule="underscores kept"
        ),
        post(
            {"name": "--Dashes  and   spaces--", "variants": control_only()}, rule="runs collapsed"
        ),
        post({"name": "日本語", "variants": control_only()}, rule="empty slug"),
    ),
    one("name_nul_character", "a NUL character in the name", {"name": "a\u0000b", "variants": V}),
    one("order_name_before_variants", "field errors: name is reported before variants", {}),
    one(
        "order_name_error_with_bad_variants",
        "a name error beats a variant rule error",
        {"name": None, "variants": {"no": {}}},
    ),
    one("variants_missing", "variants is required on create", {"name": "x"}),
    bad_variants("variants_null", "variants may not be null", None),
    bad_variants("variants_empty_list", "[] has no control", []),
    bad_variants("variants_empty_string", "'' has no control", ""),
    bad_variants("variants_list", "a non-empty list is not a dictionary", [1]),
    bad_variants("variants_string", "a string is not a dictionary", "control"),
    bad_variants("variants_number", "a number is not a dictionary", 5),
    bad_variants("variants_true", "true is not a dictionary", True),
    bad_variants("variants_zero", "0 is not a dictionary", 0),
    bad_variants("variants_false", "false is not a dictionary", False),
    bad_variants("variants_empty_object", "{} has no control", {}),
    bad_variants(
        "variants_without_control", "no control variant", {"test": {"rollout_percentage": 100}}
    ),
    bad_variants(
        "variant_without_rollout",
        "a variant without rollout_percentage",
        {"control": {"transforms": []}},
    ),
    bad_variants(
        "variant_null_rollout", "rollout_percentage null", {"control": {"rollout_percentage": None}}
    ),
    bad_variants(
        "variant_rollout_checked_in_order",
        "the first variant without a percentage is named",
        {"control": {"rollout_percentage": 50}, "b": {}, "a": {}},
    ),
    bad_variants(
        "transform_without_selector",
        "a test transform without selector",
        split_test([{"text": "hi"}]),
    ),
    bad_variants(
        "transform_null_selector_index",
        "selector null on the second transform: [$1]",
        split_test([{"selector": "h1"}, {"selector": None}]),
    ),
    scenario(
        "transform_control_selector_not_checked",
        "control's transforms are not checked for a selector",
        post(
            {
                "name": "x",
                "variants": {"control": {"rollout_percentage": 100, "transforms": [{"text": "a"}]}},
            },
            rule="201",
        ),
    ),
    bad_variants(
        "rollout_before_selector",
        "the rollout check of a later variant follows the selector check of an earlier one",
        {**split_test([{}]), "late": {}},
    ),
    bad_variants("variant_not_object", "a variant that is not an object", {"control": 100}),
    bad_variants(
        "transform_not_object",
        "a transform that is not an object",
        split_test(["h1"]),
    ),
    bad_variants(
        "split_sum_not_100",
        "percentages must sum to 100",
        {"control": {"rollout_percentage": 50}, "test": {"rollout_percentage": 40}},
    ),
    scenario(
        "split_float_percentages",
        "float percentages that sum to 100 pass",
        post(
            {
                "name": "Floats",
                "variants": {
                    "control": {"rollout_percentage": 50.5},
                    "test": {"rollout_percentage": 49.5},
                },
            },
            rule="201",
        ),
    ),
    bad_variants(
        "split_string_percentage",
        "a string percentage is not a number",
        {"control": {"rollout_percentage": "100"}},
    ),
    bad_variants(
        "split_over_100",
        "a percentage over 100",
        {
            "control": {"rollout_percentage": 150},
            "test": {"rollout_percentage": -50},
        },
    ),
    bad_variants(
        "script_tag_rejected",
        "a <script> tag in a transform's html",
        split_test([{"selector": "h1", "html": "<script>alert(1)</script>"}]),
    ),
    bad_variants(
        "event_handler_rejected",
        "an inline event handler in a transform's text",
        {
            "control": {
                "rollout_percentage": 100,
                "transforms": [{"selector": "img", "text": "<img src=x onerror=alert(1)>"}],
            }
        },
    ),
    scenario(
        "safe_html_stored",
        "safe HTML is stored byte for byte",
        create(
            variants={
                "control": {
                    "rollout_percentage": 100,
                    "transforms": [
                        {
                            "selector": "h1",
                            "html": '<div class="a"><b>Bold</b> <a href="https://'
                            'example.com">link</a></div>',
                            "text": "caf\u00e9 \u2603",
                        }
                    ],
                }
            }
        ),
        get(detail_path()),
    ),
    scenario(
        "unknown_fields_ignored",
        "unknown top-level fields, id, feature_flag_key and created_at are ignored on create",
        post(
            {
                "name": "Ignored fields",
                "variants": control_only(),
                "id": 1,
                "feature_flag_key": "chosen",
                "created_at": "2020-01-01T00:00:00Z",
                "unknown": [1, 2],
                "type": "product",
            },
            rule="201",
            name="create",
        ),
        get(detail_path()),
    ),
    scenario(
        "create_then_retrieve",
        "create answers 201 with the experiment",
        create("Zero to Web Experiment"),
        get(detail_path()),
    ),
    scenario(
        "create_control_only",
        "a control-only experiment is valid",
        create("Control only", variants=control_only()),
    ),
    scenario(
        "create_same_name_twice",
        "the same name twice gets two flag keys",
        create("Twice"),
        create("Twice", step="second"),
    ),
    one(
        "created_at_invalid_on_create",
        "created_at is ignored on create, even when invalid",
        {"name": "Bad date", "variants": control_only(), "created_at": "yesterday"},
    ),
    scenario(
        "json_body_variants_string",
        "variants given as a JSON string in JSON",
        Step(
            "POST",
            "/api/projects/{project.main}/web_experiments/",
            json={"name": "x", "variants": '{"control": {"rollout_percentage": 100}}'},
            rule="a string is not a dictionary",
        ),
    ),
)
