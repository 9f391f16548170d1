"""Typed request bodies: the TypedDicts follow openapi.yaml, and mypy --strict enforces them."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, get_args, get_origin, get_type_hints

import pytest
import yaml
from mypy import api as mypy_api

from posthog_web_experiments import _params

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))["components"][
    "schemas"
]
PAIRS: dict[str, Any] = {
    "WebExperimentCreate": _params.WebExperimentCreateParams,
    "WebExperimentUpdate": _params.WebExperimentUpdateParams,
    "WebExperimentPartialUpdate": _params.WebExperimentPartialUpdateParams,
    "ControlVariant": _params.ControlVariantParam,
    "Variant": _params.VariantParam,
    "ControlTransform": _params.ControlTransformParam,
    "Transform": _params.TransformParam,
    "TransformAttribute": _params.TransformAttributeParam,
    "VariantConditions": _params.VariantConditionsParam,
    "UtmConditions": _params.UtmConditionsParam,
}
# Where the typed shape is narrower than the schema on purpose (see _params' docstring).
NARROWED: dict[str, Any] = {"ExperimentNameInput": str}


def schema(ref_or_schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in ref_or_schema:
        name = ref_or_schema["$ref"].rsplit("/", 1)[1]
        return {"__name__": name, **SCHEMAS[name]}
    return ref_or_schema


def expected_type(spec: dict[str, Any]) -> Any:
    """The Python type a schema names, for the shapes the request bodies use."""
    resolved = schema(spec)
    name = resolved.get("__name__")
    if name in NARROWED:
        return NARROWED[name]
    if name in PAIRS:
        nullable = "null" in resolved.get("type", ())
        return PAIRS[name] | None if nullable else PAIRS[name]
    if name == "WebExperimentVariants":
        return _params.WebExperimentVariantsParam
    if "enum" in resolved:
        return Literal[tuple(resolved["enum"])]
    kind = resolved.get("type")
    if isinstance(kind, list):  # ["object", "null"]
        non_null = {**resolved, "type": next(k for k in kind if k != "null")}
        return expected_type(non_null) | None
    if kind == "array":
        return Sequence[expected_type(resolved["items"])]  # type: ignore[misc]
    leaves: dict[str, Any] = {"string": str, "number": float, "boolean": bool}
    return leaves[str(kind)]


def same(actual: Any, expected: Any) -> bool:
    if isinstance(actual, types.UnionType) or get_origin(actual) is typing.Union:
        return set(get_args(actual)) == set(get_args(expected))
    if get_origin(actual) is Literal:
        return set(get_args(actual)) == set(get_args(expected))
    return bool(actual == expected)


@pytest.mark.parametrize("name", PAIRS)
def test_typed_dict_has_the_schema_fields_types_and_required(name: str) -> None:
    typed = PAIRS[name]
    body = SCHEMAS[name]
    hints = get_type_hints(typed)

    assert set(hints) == set(body["properties"])
    assert typed.__required_keys__ == frozenset(body.get("required", ()))
    for field, spec in body["properties"].items():
        assert same(hints[field], expected_type(spec)), field


def test_variants_mapping_takes_the_control_and_test_shapes() -> None:
    variants = SCHEMAS["WebExperimentVariants"]
    control = {schema(s)["__name__"] for s in variants["properties"]["control"]["anyOf"]}
    others = {schema(s)["__name__"] for s in variants["additionalProperties"]["anyOf"]}

    assert get_origin(_params.WebExperimentVariantsParam) is Mapping
    key, value = get_args(_params.WebExperimentVariantsParam)
    assert key is str
    assert set(get_args(value)) == {PAIRS[n] for n in (control | others) if n in PAIRS}


BAD_SNIPPET = """
from posthog_web_experiments import PostHogWebExperiments

client = PostHogWebExperiments.from_env()
client.create({"name": 1})
"""

GOOD_SNIPPET = """
from posthog_web_experiments import (
    ControlVariant,
    PostHogWebExperiments,
    WebExperimentCreate,
    WebExperimentCreateParams,
    WebExperimentVariants,
)

client = PostHogWebExperiments.from_env()
body: WebExperimentCreateParams = {
    "name": "Headline",
    "variants": {"control": {"rollout_percentage": 50}, "test": {"rollout_percentage": 50}},
}
client.create(body)
client.create({"name": "Inline", "variants": {"control": {"rollout_percentage": 100}}})
client.partial_update(1, {"variants": {"control": {"rollout_percentage": 100}}})
variants = WebExperimentVariants(control=ControlVariant(rollout_percentage=100))
client.create(WebExperimentCreate(name="Model", variants=variants))
"""


def readme_block(heading: str) -> str:
    """The first Python block under a README heading."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split(heading, 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match is not None
    return match.group(1)


@pytest.mark.slow  # a whole mypy run: about 8 s on 2 cores
def test_mypy_strict_rejects_a_wrong_body_and_accepts_typed_ones(tmp_path: Path) -> None:
    (tmp_path / "bad_body.py").write_text(BAD_SNIPPET)
    (tmp_path / "good_body.py").write_text(GOOD_SNIPPET)
    (tmp_path / "readme_body.py").write_text(readme_block("### Typed request bodies"))

    out, err, status = mypy_api.run(
        [
            "--strict",
            "--no-incremental",
            "--python-version=3.11",
            f"--config-file={ROOT / 'pyproject.toml'}",
            str(tmp_path / "bad_body.py"),
            str(tmp_path / "good_body.py"),
            str(tmp_path / "readme_body.py"),
        ]
    )

    errors = [line for line in out.splitlines() if ": error:" in line]
    assert status == 1, err
    assert len(errors) == 1, out
    assert errors[0].startswith(f"{tmp_path / 'bad_body.py'}:5: error:")
    assert errors[0].endswith(
        'error: Argument 1 to "create" of "PostHogWebExperiments" has incompatible type'
        ' "dict[str, int]"; expected "WebExperimentCreate | WebExperimentCreateParams"  [arg-type]'
    )
