"""Request bodies PostHog stores but cannot read back, found with `posthog_mock.hazards` alone."""

from __future__ import annotations

import json
from typing import Any

from posthog_mock.hazards import (
    LIST_BREAKING_OBJECT_DEPTH,
    NESTING_TOO_DEEP,
    NUMBER_BEYOND_64_BITS,
    HazardClass,
    number_breaks_reads,
    object_depth,
)

Location = tuple[str | int, ...]


def body_findings(body: object) -> list[tuple[HazardClass, Location]]:
    """The values of a request body PostHog would store but not read back, with their places.

    PostHog stores `variants` as they are sent (`name` becomes text), so only they can hold
    one: numbers outside what it renders, objects nested too deep (posthog_mock/hazards.py).
    """
    variants = body.get("variants") if isinstance(body, dict) else None
    if not isinstance(variants, dict | list):
        return []
    found: list[tuple[HazardClass, Location]] = []
    stack: list[tuple[object, Location]] = [(variants, ("variants",))]
    while stack:
        item, where = stack.pop()
        if isinstance(item, dict):
            stack.extend((child, (*where, str(key))) for key, child in item.items())
        elif isinstance(item, list):
            stack.extend((child, (*where, index)) for index, child in enumerate(item))
        elif number_breaks_reads(item):
            found.append((NUMBER_BEYOND_64_BITS, where))
    if object_depth(variants) >= LIST_BREAKING_OBJECT_DEPTH:
        found.append((NESTING_TOO_DEEP, ("variants",)))
    return sorted(found, key=lambda finding: [str(part) for part in finding[1]])


def json_path(where: Location) -> str:
    """A place in a JSON value as a path: `$.variants.control.x[0]`, `$["a b"]`."""
    text = "$"
    for part in where:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part.isidentifier():
            text += f".{part}"
        else:
            text += f"[{json.dumps(part)}]"
    return text


def body_hazards(body: bytes | str | None) -> list[str]:
    """The read-breaking values of a JSON request body, as `class at path`."""
    if not body:
        return []
    try:
        value = json.loads(body)
    except RecursionError:
        return [f"{NESTING_TOO_DEEP.name} at $"]
    except (ValueError, TypeError):
        return []
    return [f"{hazard.name} at {json_path(where)}" for hazard, where in body_findings(value)]


def smallest_breaking_body(body: bytes | str | None) -> str:
    """The least of a request body that shows each read-breaking value, as JSON text.

    Derived statically from the body that was sent (it is never re-sent to shrink it): each
    breaking value stays at its place, an object on the way keeps only the keys leading to
    one (plus `name`, and a variant its `rollout_percentage`), an array only such items.
    Without a known class to point at, it is the whole body.
    """
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else (body or "")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return text
    locations = [where for _, where in body_findings(value)]
    if not locations or not isinstance(value, dict):
        return text
    reduced = _keep(value, [list(where) for where in locations], role="body")
    if "name" in value:
        reduced = {"name": value["name"], **reduced}
    return json.dumps(reduced)


def _keep(value: Any, paths: list[list[str | int]], *, role: str) -> Any:
    """The parts of `value` on `paths`; `role` is what `value` is: body, variants, variant."""
    if any(not path for path in paths):
        return value
    if isinstance(value, dict):
        wanted = {str(path[0]) for path in paths}
        if role == "variant" and "rollout_percentage" in value:
            wanted.add("rollout_percentage")
        child_role = {"body": "top", "variants": "variant"}.get(role, "other")
        return {
            key: _keep(
                value[key],
                [p[1:] for p in paths if str(p[0]) == key],
                role="variants" if role == "body" and key == "variants" else child_role,
            )
            if any(str(p[0]) == key for p in paths)
            else value[key]
            for key in value
            if key in wanted
        }
    if isinstance(value, list):
        indexes = sorted({int(path[0]) for path in paths})
        return [_keep(value[i], [p[1:] for p in paths if p[0] == i], role="other") for i in indexes]
    return value
