"""openapi.yaml is valid, covers PostHog's six operations, and its examples fit its schemas."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ROOT = Path(__file__).resolve().parent.parent
SPEC: dict[str, Any] = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
SPEC_URI = "urn:posthog-web-experiments:openapi"
REGISTRY: Registry[Any] = Registry().with_resource(
    SPEC_URI, Resource.from_contents(SPEC, default_specification=DRAFT202012)
)
COLLECTION = "/api/projects/{project_id}/web_experiments/"
ITEM = "/api/projects/{project_id}/web_experiments/{id}/"
METHODS = ("get", "put", "post", "delete", "patch", "options", "head", "trace")


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Follow a local $ref (possibly chained) to the object it names."""
    while "$ref" in node:
        target: Any = SPEC
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def validator_for(schema: dict[str, Any]) -> Draft202012Validator:
    """A validator for schema whose local $refs resolve inside the spec."""
    if "$ref" in schema:
        schema = {"$ref": SPEC_URI + schema["$ref"]}
    return Draft202012Validator(
        schema, registry=REGISTRY, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def media_examples() -> Iterator[Any]:
    """Every (schema, example) pair of request and response bodies."""
    for path, item in SPEC["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            bodies = [("request", operation.get("requestBody", {}))]
            bodies += [(status, resp) for status, resp in operation["responses"].items()]
            for where, body in bodies:
                for media_type, media in resolve(body).get("content", {}).items():
                    for name, example in media.get("examples", {}).items():
                        yield pytest.param(
                            media["schema"],
                            resolve(example)["value"],
                            id=f"{method.upper()} {path} {where} {media_type} {name}",
                        )


def schema_examples() -> Iterator[Any]:
    """Every `examples` keyword inside a component schema or parameter schema."""
    for name, schema in SPEC["components"]["schemas"].items():
        for index, value in enumerate(schema.get("examples", [])):
            yield pytest.param(schema, value, id=f"schema {name} [{index}]")
        for prop, sub in schema.get("properties", {}).items():
            for index, value in enumerate(sub.get("examples", [])):
                yield pytest.param(sub, value, id=f"schema {name}.{prop} [{index}]")
    for name, parameter in SPEC["components"]["parameters"].items():
        for index, value in enumerate(parameter["schema"].get("examples", [])):
            yield pytest.param(parameter["schema"], value, id=f"parameter {name} [{index}]")


def test_spec_is_valid_openapi_3_1() -> None:
    assert SPEC["openapi"].startswith("3.1.")
    validate(SPEC)


@pytest.mark.parametrize(("schema", "example"), [*media_examples(), *schema_examples()])
def test_example_validates_against_its_schema(schema: dict[str, Any], example: Any) -> None:
    errors = [error.message for error in validator_for(schema).iter_errors(example)]
    assert errors == []


def test_every_response_and_request_body_has_an_example() -> None:
    missing = [
        f"{method.upper()} {path} {status}"
        for path, item in SPEC["paths"].items()
        for method, operation in item.items()
        if method in METHODS
        for status, response in operation["responses"].items()
        for media in resolve(response).get("content", {}).values()
        if not media.get("examples")
    ]
    assert missing == []


def test_operations_match_posthog_operation_ids_and_scopes() -> None:
    found = {
        (path, method): (operation["operationId"], operation["security"], operation["tags"])
        for path, item in SPEC["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }
    read = [{"PersonalAPIKeyAuth": ["experiment:read"]}]
    write = [{"PersonalAPIKeyAuth": ["experiment:write"]}]
    tags = ["web_experiments"]
    assert found == {
        (COLLECTION, "get"): ("web_experiments_list", read, tags),
        (COLLECTION, "post"): ("web_experiments_create", write, tags),
        (ITEM, "get"): ("web_experiments_retrieve", read, tags),
        (ITEM, "put"): ("web_experiments_update", write, tags),
        (ITEM, "patch"): ("web_experiments_partial_update", write, tags),
        (ITEM, "delete"): ("web_experiments_destroy", write, tags),
    }


@pytest.mark.parametrize(
    ("schema", "required"),
    [
        pytest.param("WebExperimentCreate", ["name", "variants"], id="create"),
        pytest.param("WebExperimentUpdate", ["name", "variants"], id="put"),
        pytest.param("WebExperimentPartialUpdate", ["variants"], id="patch"),
    ],
)
def test_request_schemas_never_ask_for_read_only_fields(schema: str, required: list[str]) -> None:
    body = SPEC["components"]["schemas"][schema]
    assert body["required"] == required
    assert not {"id", "feature_flag_key"} & set(body["properties"])


@pytest.mark.parametrize(
    ("body", "valid"),
    [
        pytest.param({"control": {"rollout_percentage": 100}}, True, id="control-only"),
        pytest.param({"test": {"rollout_percentage": 100}}, False, id="no-control"),
        # PostHog only sums the percentages: no range, booleans count (oracle_shapes.json).
        pytest.param({"control": {"rollout_percentage": 101}}, True, id="over-100"),
        pytest.param(
            {"control": {"rollout_percentage": 150}, "test": {"rollout_percentage": -50}},
            True,
            id="out-of-range-split",
        ),
        pytest.param(
            {"control": {"rollout_percentage": True}, "test": {"rollout_percentage": 99}},
            True,
            id="boolean-percentage",
        ),
        # A string, list or object makes PostHog's sum raise: its 500, outside the schema.
        pytest.param({"control": {"rollout_percentage": "50"}}, False, id="string-percentage"),
        pytest.param({"control": {"rollout_percentage": [100]}}, False, id="list-percentage"),
        pytest.param(
            {"control": {"rollout_percentage": 50}, "test": {"rollout_percentage": {"a": 50}}},
            False,
            id="object-percentage",
        ),
        pytest.param(
            {
                "control": {"rollout_percentage": 50, "transforms": [{"text": "hi"}]},
                "test": {"rollout_percentage": 50, "transforms": [{"selector": "h1", "x": 1}]},
            },
            True,
            id="control-transform-without-selector",
        ),
        pytest.param(
            {
                "control": {"rollout_percentage": 50},
                "test": {"rollout_percentage": 50, "transforms": [{"text": "hi"}]},
            },
            False,
            id="test-transform-without-selector",
        ),
        pytest.param(
            {"control": {"rollout_percentage": 100, "conditions": None}}, True, id="null-conditions"
        ),
        pytest.param(
            {"control": {"rollout_percentage": 100, "conditions": {"urlMatchType": "fuzzy"}}},
            True,
            id="unknown-url-match-type-is-stored",
        ),
        pytest.param(
            {
                "control": {
                    "rollout_percentage": 50,
                    "transforms": {"a": 1},
                    "is_new": 5,
                    "conditions": "None",
                },
                "test": {
                    "rollout_percentage": 50,
                    "transforms": [
                        {"selector": 5, "attributes": "nope", "imgUrl": {"src": "a.png"}}
                    ],
                    "variant_name": None,
                },
            },
            True,
            id="unchecked-keys-hold-anything",
        ),
        pytest.param(
            {
                "control": {"rollout_percentage": 50},
                "test": {"rollout_percentage": 50, "transforms": {}},
            },
            True,
            id="empty-object-transforms",
        ),
        pytest.param(
            {
                "control": {"rollout_percentage": 50},
                "test": {"rollout_percentage": 50, "transforms": ""},
            },
            True,
            id="empty-string-transforms",
        ),
        pytest.param(
            {
                "control": {"rollout_percentage": 50},
                "test": {"rollout_percentage": 50, "transforms": None},
            },
            False,
            id="null-test-transforms",
        ),
        pytest.param(
            {
                "control": {"rollout_percentage": 50},
                "test": {"rollout_percentage": 50, "transforms": {"a": 1}},
            },
            False,
            id="object-test-transforms",
        ),
        pytest.param(
            {
                "control": {"rollout_percentage": 50},
                "test": {"rollout_percentage": 50, "transforms": [1]},
            },
            False,
            id="test-transform-not-an-object",
        ),
        pytest.param(
            {
                "control": {"rollout_percentage": 50},
                "test": {"rollout_percentage": 50, "transforms": [{"selector": None}]},
            },
            False,
            id="null-selector",
        ),
        pytest.param(
            {"control": {"rollout_percentage": 50}, "test": 5}, False, id="variant-not-object"
        ),
        pytest.param({"control": {"rollout_percentage": None}}, False, id="null-percentage"),
    ],
)
def test_variants_schema_encodes_server_rules(body: dict[str, Any], valid: bool) -> None:
    validator = validator_for({"$ref": "#/components/schemas/WebExperimentVariants"})
    assert validator.is_valid(body) is valid


@pytest.mark.parametrize("schema", ["ControlVariant", "Variant"])
@pytest.mark.parametrize("percentage", [101, -1, True])
def test_typed_variants_keep_a_percentage_from_0_to_100(schema: str, percentage: object) -> None:
    validator = validator_for({"$ref": f"#/components/schemas/{schema}"})
    assert validator.is_valid({"rollout_percentage": 100})
    assert not validator.is_valid({"rollout_percentage": percentage})


@pytest.mark.parametrize(
    ("schema", "conventional"),
    [
        pytest.param(
            "ControlVariant", {"is_new": "boolean", "variant_name": "string"}, id="control"
        ),
        pytest.param("Variant", {"is_new": "boolean", "variant_name": "string"}, id="test"),
        pytest.param("Transform", {"imgUrl": "string", "css": "string"}, id="transform"),
        pytest.param("TransformAttribute", {"name": "string", "value": "string"}, id="attribute"),
    ],
)
def test_write_shapes_type_the_conventional_keys(schema: str, conventional: dict[str, str]) -> None:
    properties = SPEC["components"]["schemas"][schema]["properties"]
    assert {key: properties[key]["type"] for key in conventional} == conventional


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("nope", id="string"),
        pytest.param(5, id="number"),
        pytest.param(None, id="null"),
        pytest.param({"a": [1, {"b": None}]}, id="object"),
        pytest.param([1, "x", None], id="list"),
    ],
)
def test_read_shapes_accept_any_value_of_a_conventional_key(value: Any) -> None:
    validator = validator_for({"$ref": "#/components/schemas/StoredVariants"})
    transform = {key: value for key in ("selector", "text", "html", "imgUrl", "css", "attributes")}
    variant = {
        "rollout_percentage": 50,
        "conditions": value,
        "variant_name": value,
        "is_new": value,
        "unknown": value,
    }
    body = {
        "control": {**variant, "transforms": value},
        "test": {**variant, "transforms": [transform, value]},
    }
    assert validator.is_valid(body)


def test_read_shapes_need_only_a_rollout_percentage() -> None:
    validator = validator_for({"$ref": "#/components/schemas/StoredVariants"})
    assert validator.is_valid({"only-test": {"rollout_percentage": True}})
    assert not validator.is_valid({"control": {"transforms": []}})


def test_error_responses_use_the_error_envelope() -> None:
    for name, response in SPEC["components"]["responses"].items():
        schema = response["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/Error"}, name
    assert SPEC["components"]["schemas"]["Error"]["required"] == ["type", "code", "detail", "attr"]
