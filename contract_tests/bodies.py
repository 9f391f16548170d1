"""Turn schema-valid generated bodies into semantically valid ones (§2-§4 of the reference)."""

from __future__ import annotations

import copy
from typing import Any

from contract_tests.reference import (
    body_verdict,
    created_at_verdict,
    unsafe_content,
)
from contract_tests.runtime import CANONICAL_VARIANTS
from posthog_mock.hazards import make_safe

# Short enough that prefix + name never pushes the flag key past 319 characters (§3).
NAME_KEEP = 80
FALLBACK_CREATED_AT = "2025-01-15T10:30:00.123456Z"
SAFE_TEXT = "Safe replacement text"
EMPTY_NAME_STAND_IN = "unnamed"


def prefixed_name(prefix: str, name: object) -> str:
    """A recognisable, valid experiment name built from a generated one."""
    text = str(name).replace("\x00", "").strip()[:NAME_KEEP]
    return f"{prefix}{text}".strip()


def split_evenly(count: int) -> list[int]:
    """Integer percentages for `count` variants that sum to exactly 100, control taking the rest."""
    share = 100 // count
    return [100 - share * (count - 1)] + [share] * (count - 1)


def semantically_valid_variants(variants: dict[str, Any]) -> dict[str, Any]:
    """Variants with a control first-class, safe content, selectors and a split summing to 100.

    A variant named "" is renamed: PostHog stores it but leaves it out of every answer (its
    share still counts in the flag), so its round trip is a documented quirk, not a rule to
    check on every body; tests/contract/oracle_shapes.json holds the evidence.
    """
    result: dict[str, Any] = {}
    for raw_name, variant in variants.items():
        variant_name = raw_name or EMPTY_NAME_STAND_IN
        fixed = dict(variant) if isinstance(variant, dict) else {}
        transforms = fixed.get("transforms")
        if isinstance(transforms, list):
            fixed["transforms"] = [
                _safe_transform(t, needs_selector=variant_name != "control") for t in transforms
            ]
        elif "transforms" in fixed:
            del fixed["transforms"]
        result[variant_name] = fixed
    if "control" not in result:
        result = {"control": {}, **result}
    names = ["control", *[n for n in result if n != "control"]]
    percentages = dict(zip(names, split_evenly(len(names)), strict=True))
    total = 0.0
    valid_numbers = True
    for fixed in result.values():
        value = fixed.get("rollout_percentage")
        if isinstance(value, bool) or not isinstance(value, int | float):
            valid_numbers = False
            break
        total += value
    if not (valid_numbers and total == 100):
        for variant_name, fixed in result.items():
            fixed["rollout_percentage"] = percentages[variant_name]
    return result


def _safe_transform(transform: object, *, needs_selector: bool) -> object:
    if not isinstance(transform, dict):
        return {"selector": "#page h1", "text": SAFE_TEXT} if needs_selector else {}
    fixed = dict(transform)
    if needs_selector and not isinstance(fixed.get("selector"), str):
        fixed["selector"] = "#page h1"
    for content_key in ("text", "html"):
        content = fixed.get(content_key)
        if content is not None and (not isinstance(content, str) or unsafe_content(content)):
            fixed[content_key] = SAFE_TEXT
    return fixed


def semantically_valid_body(body: object, method: str, prefix: str) -> object:
    """A copy of a positive body that the reference accepts, keeping as much of it as possible.

    Every value PostHog would store but not read back (posthog_mock/hazards.py: wide numbers,
    deep nesting) is made safe first: a run must never leave a project it cannot list.
    """
    if not isinstance(body, dict):
        return body
    fixed = make_safe(body)
    if "name" in fixed or method in ("POST", "PUT"):
        fixed["name"] = prefixed_name(prefix, fixed.get("name", "experiment"))
    if "created_at" in fixed and created_at_verdict(fixed["created_at"]) != "accept":
        fixed["created_at"] = FALLBACK_CREATED_AT
    variants = fixed.get("variants")
    fixed["variants"] = (
        semantically_valid_variants(variants)
        if isinstance(variants, dict)
        else copy.deepcopy(CANONICAL_VARIANTS)
    )
    if body_verdict(fixed, method) != "accept":
        fixed["variants"] = copy.deepcopy(CANONICAL_VARIANTS)
    return fixed
