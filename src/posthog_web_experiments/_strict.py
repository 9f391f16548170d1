"""Strict reading (opt in with ``strict=True``): fail loudly when PostHog's answer leaves the spec.

The generated models keep fields the spec does not name in ``additional_properties`` and do not
check types (``from_dict`` copies values as they come), so a PostHog change passes silently. This
walks a parsed model against the generated classes' type hints: a value of another type, or an
undeclared field in an object whose schema does not allow extra fields, raises
``StrictResponseError`` naming the place (``results[3].id``).
"""

from __future__ import annotations

import sys
import types
import typing
from functools import cache
from typing import Any, Final, Union

import attrs
import httpx
from posthog_web_experiments_client import models
from posthog_web_experiments_client.types import Unset

from ._errors import UnexpectedResponseError

# Response schemas without `additionalProperties: true` in openapi.yaml: a field they do not
# declare is a change of the API (tests check this set against the spec).
CLOSED_MODELS: Final[frozenset[type]] = frozenset(
    {models.WebExperiment, models.PaginatedWebExperimentList}
)


class StrictResponseError(UnexpectedResponseError):
    """Strict mode: the response has a field or a type that openapi.yaml does not declare."""

    def __init__(self, response: httpx.Response, where: str, problem: str) -> None:
        """Keep the place (``results[0].id``) and what is wrong there."""
        super().__init__(response, None, f"Response does not match the spec at {where}: {problem}")
        self.where = where
        self.problem = problem


@cache
def _hints(cls: type) -> dict[str, Any]:
    # The generated modules import nested models only under TYPE_CHECKING: add them.
    namespace = {**vars(sys.modules[cls.__module__]), **vars(models)}
    return typing.get_type_hints(cls, globalns=namespace)


def check_strict(value: object, response: httpx.Response) -> None:
    """Raise ``StrictResponseError`` at the first place ``value`` differs from the spec."""
    found = _model_problem(value, "response")
    if found is not None:
        raise StrictResponseError(response, *found)


def _model_problem(value: Any, where: str) -> tuple[str, str] | None:
    cls: Any = type(value)
    hints = _hints(cls)
    extra: dict[str, Any] = getattr(value, "additional_properties", {})
    declared = [field.name for field in attrs.fields(cls) if field.name != "additional_properties"]
    if not declared:  # a map: every value has the map's value type
        value_type = typing.get_args(hints["additional_properties"])[1]
        for key, item in extra.items():
            found = _problem(item, value_type, f"{where}[{key!r}]")
            if found is not None:
                return found
        return None
    if extra and cls in CLOSED_MODELS:
        return where, f"field {next(iter(extra))!r} is not in the spec"
    for name in declared:
        found = _problem(getattr(value, name), hints[name], f"{where}.{name}")
        if found is not None:
            return found
    return None


def _problem(value: object, expected: Any, where: str) -> tuple[str, str] | None:
    """Say what is wrong with ``value`` as an ``expected`` (a type hint), or return None."""
    if expected is Any:
        return None
    origin = typing.get_origin(expected)
    if origin is Union or origin is types.UnionType:
        options = typing.get_args(expected)
        problems = [_problem(value, option, where) for option in options]
        if any(problem is None for problem in problems):
            return None
        # Report the deepest problem of the option whose type matched at the top.
        nested = [p for p in problems if p is not None and p[0] != where]
        return nested[0] if nested else (where, _mismatch(value, expected))
    if origin is list:
        if not isinstance(value, list):
            return where, _mismatch(value, expected)
        (item_type,) = typing.get_args(expected)
        for index, item in enumerate(value):
            found = _problem(item, item_type, f"{where}[{index}]")
            if found is not None:
                return found
        return None
    if expected is type(None):
        return None if value is None else (where, _mismatch(value, expected))
    if isinstance(expected, type) and attrs.has(expected):
        if not isinstance(value, expected):
            return where, _mismatch(value, expected)
        return _model_problem(value, where)
    if _is_instance(value, expected):
        return None
    return where, _mismatch(value, expected)


def _is_instance(value: object, expected: type) -> bool:
    if isinstance(value, bool) and expected is not bool:
        return False
    if expected is float:
        return isinstance(value, int | float)
    return isinstance(value, expected)


def _mismatch(value: object, expected: Any) -> str:
    return f"{value!r} ({type(value).__name__}) is not {_name(expected)}"


def _name(expected: Any) -> str:
    args = typing.get_args(expected)
    origin = typing.get_origin(expected)
    if origin is Union or origin is types.UnionType:
        return " or ".join(_name(arg) for arg in args if arg is not Unset)
    if expected is type(None):
        return "null"
    if origin is list:
        return f"a list of {_name(args[0])}"
    return getattr(expected, "__name__", str(expected))
