"""The reference rules the checks and hooks rely on, against the examples of the wire reference."""

from __future__ import annotations

from typing import Any

import pytest

from contract_tests.bodies import semantically_valid_body, split_evenly
from contract_tests.reference import (
    body_verdict,
    first_difference,
    flag_key_problem,
    malformed_cause,
    slugify,
)

STD: dict[str, Any] = {
    "name": "Zero to Web Experiment",
    "variants": {
        "control": {
            "transforms": [{"text": "There goes Superman!", "selector": "h1"}],
            "rollout_percentage": 70,
        },
        "test": {
            "transforms": [{"text": "Up, UP and Away!", "selector": "h1"}],
            "rollout_percentage": 30,
        },
    },
}


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Zero to Web Experiment", "zero-to-web-experiment-web-experiment-feature-3fa90c1b2d"),
        ("Hello, World!", "hello-world-web-experiment-feature-0123456789"),
        ("active_web_experiment", "active_web_experiment-web-experiment-feature-abcdef0123"),
    ],
)
def test_flag_key_examples_of_the_reference_are_derived(name: str, key: str) -> None:
    assert flag_key_problem(name, key) is None


def test_flag_key_from_another_name_is_a_problem() -> None:
    problem = flag_key_problem("Other", "zero-to-web-experiment-web-experiment-feature-3fa90c1b2d")
    assert problem is not None
    assert "not derived from name 'Other'" in problem


def test_slugify_keeps_inner_underscores_and_drops_non_ascii() -> None:
    assert slugify("_Café  au--lait_") == "cafe-au-lait"


@pytest.mark.parametrize(
    ("body", "method", "verdict"),
    [
        pytest.param(STD, "POST", "accept", id="std"),
        pytest.param({**STD, "name": 5}, "POST", "accept", id="number-name-coerced"),
        pytest.param({**STD, "name": "   "}, "POST", "reject", id="blank-name"),
        pytest.param({**STD, "name": " " + "a" * 360 + " "}, "POST", "accept", id="trimmed"),
        pytest.param({"name": "x"}, "POST", "reject", id="no-variants"),
        pytest.param({"name": "x"}, "PATCH", "reject", id="patch-without-variants"),
        pytest.param(
            {"variants": {"test": {"rollout_percentage": 100}}}, "PATCH", "reject", id="no-control"
        ),
        pytest.param(
            {"variants": {"control": {"rollout_percentage": 60}}},
            "PATCH",
            "reject",
            id="sum-not-100",
        ),
        pytest.param(
            {"variants": {"control": {"rollout_percentage": "100"}}},
            "PATCH",
            "reject",
            id="string-percentage",
        ),
        pytest.param(
            {
                "variants": {
                    "control": {"rollout_percentage": 50},
                    "test": {"rollout_percentage": 50, "transforms": [{"text": "x"}]},
                }
            },
            "PATCH",
            "reject",
            id="no-selector",
        ),
        pytest.param(
            {
                "variants": {
                    "control": {"rollout_percentage": 50},
                    "test": {
                        "rollout_percentage": 50,
                        "transforms": [{"selector": "img", "html": "<img onerror=alert(1)>"}],
                    },
                }
            },
            "PATCH",
            "reject",
            id="event-handler",
        ),
        pytest.param(
            {
                "variants": {
                    "control": {
                        "rollout_percentage": 100,
                        "transforms": [{"html": "<img onerror=alert(1)><script>"}],
                    }
                }
            },
            "PATCH",
            "accept",
            id="control-content-never-checked",
        ),
        pytest.param(
            {
                "variants": {
                    "control": {"rollout_percentage": 50},
                    "test": {
                        "rollout_percentage": 50,
                        "transforms": [{"selector": "a", "text": "onclick=x <script src=y"}],
                    },
                }
            },
            "PATCH",
            "accept",
            id="content-the-patterns-miss",
        ),
        pytest.param(
            {
                "variants": {
                    "control": {"rollout_percentage": 150},
                    "test": {"rollout_percentage": -50},
                }
            },
            "PATCH",
            "accept",
            id="out-of-range-summing-to-100",
        ),
        pytest.param(
            {
                "variants": {
                    "control": {"rollout_percentage": 100},
                    "b": {"rollout_percentage": False},
                }
            },
            "PATCH",
            "accept",
            id="boolean-counts-in-the-sum",
        ),
        pytest.param(
            {"variants": {"control": {"rollout_percentage": 100, "is_new": 5}}},
            "PATCH",
            "accept",
            id="unenforced-conventional-key",
        ),
    ],
)
def test_body_verdict_follows_the_reference(body: Any, method: str, verdict: str) -> None:
    assert body_verdict(body, method) == verdict


@pytest.mark.parametrize("count", [1, 2, 3, 7])
def test_split_evenly_sums_to_100(count: int) -> None:
    assert sum(split_evenly(count)) == 100


@pytest.mark.parametrize(
    "body",
    [
        {"name": "\u0000 " * 300, "variants": {"control": {"rollout_percentage": 3}, "b": {}}},
        {
            "name": "x",
            "variants": {
                "control": {"transforms": [{"html": "<script>"}]},
                "t": {"rollout_percentage": 1, "transforms": [{}]},
            },
        },
        {"name": "x", "variants": []},
    ],
)
def test_semantically_valid_body_is_accepted_and_prefixed(body: Any) -> None:
    fixed = semantically_valid_body(body, "POST", "contract-suite-")
    assert isinstance(fixed, dict)
    assert fixed["name"].startswith("contract-suite-")
    assert body_verdict(fixed, "POST") == "accept"


@pytest.mark.parametrize(
    ("expected", "got", "difference"),
    [
        pytest.param({"a": 1}, {"a": 1}, None, id="equal"),
        pytest.param({"a": 1, "b": 2}, {"b": 2, "a": 1}, None, id="key-order-ignored"),
        pytest.param(
            {"test": {"transforms": [{"text": "x", "html": ""}]}},
            {"test": {"transforms": [{"text": "y", "html": ""}]}},
            ("variants.test.transforms[0].text", '"x"', '"y"'),
            id="nested-value",
        ),
        pytest.param(
            {"control": {"is_new": 5}},
            {"control": {}},
            ("variants.control.is_new", "5", "(missing)"),
            id="missing-key",
        ),
        pytest.param(
            {"variant #1": {}},
            {"variant #1": {"x": None}},
            ('variants["variant #1"].x', "(missing)", "null"),
            id="extra-key-odd-name",
        ),
        pytest.param(
            {"t": [1, 2]}, {"t": [1]}, ("variants.t[1]", "2", "(missing)"), id="shorter-list"
        ),
        pytest.param({"t": 1}, {"t": True}, ("variants.t", "1", "true"), id="one-is-not-true"),
    ],
)
def test_first_difference_names_the_path_and_both_values(
    expected: Any, got: Any, difference: tuple[str, str, str] | None
) -> None:
    assert first_difference(expected, got, "variants") == difference


@pytest.mark.parametrize(
    ("body", "cause"),
    [
        pytest.param({"variants": 0}, "variants is not an object", id="variants"),
        pytest.param({"variants": {"control": {}, "t": 5}}, "a variant is not an object", id="v"),
        pytest.param(
            {"variants": {"control": {}, "t": {"transforms": None}}},
            "transforms of a test variant is not a list",
            id="transforms",
        ),
        pytest.param(
            {"variants": {"control": {}, "t": {"transforms": [1]}}},
            "a transform of a test variant is not an object",
            id="transform",
        ),
        pytest.param(
            {"variants": {"control": {"rollout_percentage": "1"}}},
            "rollout_percentage is not a number",
            id="percentage",
        ),
        pytest.param(
            {"variants": {"control": {"rollout_percentage": 100, "x": [{"y": -(2**70)}]}}},
            "an integer beyond 64 bits",
            id="wide-integer",
        ),
        pytest.param(
            {"variants": {"control": {"rollout_percentage": 1}, "t": {"rollout_percentage": 1}}},
            "other",
            id="other",
        ),
    ],
)
def test_malformed_cause_names_the_first_broken_shape(body: Any, cause: str) -> None:
    assert malformed_cause(body) == cause


def test_positive_bodies_never_carry_integers_posthog_cannot_render() -> None:
    body = {
        "name": "n",
        "variants": {"control": {"rollout_percentage": 100, "x": [2**70, -(2**70), 5, True]}},
    }
    fixed = semantically_valid_body(body, "POST", "p-")
    assert isinstance(fixed, dict)
    assert fixed["variants"]["control"]["x"] == [2**63 - 1, -(2**63), 5, True]
    assert malformed_cause(fixed) == "other"


def test_positive_bodies_rename_a_variant_named_empty() -> None:
    body = {"name": "n", "variants": {"control": {}, "": {"rollout_percentage": 1}}}
    fixed = semantically_valid_body(body, "POST", "p-")
    assert isinstance(fixed, dict)
    assert list(fixed["variants"]) == ["control", "unnamed"]
