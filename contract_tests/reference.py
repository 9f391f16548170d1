"""PostHog's documented server behaviour, as pure functions the checks and hooks share.

Section numbers (§) refer to docs/behaviour.md, the behaviour reference.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from datetime import datetime
from typing import Any, Literal

from posthog_mock.hazards import number_breaks_reads

FLAG_KEY_INFIX = "-web-experiment-feature-"
FLAG_KEY_MAX_LENGTH = 400
NAME_MAX_LENGTH = 400
# §4.6: PostHog's patterns in its order, each with what its detail names after "disallowed "
# (the evidence is that of posthog_mock.profiles' `transform_script_injection_check`).
UNSAFE_CONTENT: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"<script[^>]*>", re.IGNORECASE), "<script> tags"),
    (re.compile(r"</script>", re.IGNORECASE), "</script> tags"),
    (re.compile(r"\son\w+\s*=", re.IGNORECASE), "event handlers (onclick, onerror, etc.)"),
    (re.compile(r"javascript\s*:", re.IGNORECASE), "javascript: protocol"),
    (re.compile(r"data\s*:\s*text/html", re.IGNORECASE), "data:text/html"),
    (re.compile(r"<iframe[^>]*>", re.IGNORECASE), "<iframe> tags"),
    (re.compile(r"<(object|embed)[^>]*>", re.IGNORECASE), "<object> or <embed> tags"),
)
CREATED_AT_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z")

Verdict = Literal["accept", "reject", "unspecified"]


def slugify(value: str) -> str:
    """Django's slugify, as PostHog applies it to flag keys (§3)."""
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value.lower())
    return re.sub(r"[-\s]+", "-", value).strip("-_")


def expected_flag_key(name: str, suffix: str) -> str:
    """The flag key PostHog derives from a name and its 10 random hex characters (§3)."""
    return slugify(name.replace(" ", "-").lower() + FLAG_KEY_INFIX + suffix)


def flag_key_problem(name: str, key: str) -> str | None:
    """Why `key` is not the key §3 derives from `name`, or None when it is."""
    suffix = key[-10:]
    if not re.fullmatch(r"[0-9a-f]{10}", suffix):
        return f"feature_flag_key {key!r} does not end in 10 hex characters"
    expected = expected_flag_key(name, suffix)
    if key != expected:
        return f"feature_flag_key {key!r} is not derived from name {name!r}: expected {expected!r}"
    return None


def normalised_variants(variants: dict[str, Any]) -> dict[str, Any]:
    """Variants as responses represent them: `rollout_percentage` first, then the rest (§4).

    A variant named "" is stored but never shown (§11, recorded in parity/snapshots).
    """
    result: dict[str, Any] = {}
    for variant_name, variant in variants.items():
        if not variant_name:
            continue
        rest = {k: v for k, v in variant.items() if k != "rollout_percentage"}
        result[variant_name] = {"rollout_percentage": variant.get("rollout_percentage"), **rest}
    return result


def name_verdict(name: object) -> Verdict:
    """Whether PostHog accepts `name` (§2)."""
    if isinstance(name, bool) or name is None:
        return "reject"
    if isinstance(name, int | float):
        return "accept" if math.isfinite(name) else "unspecified"
    if not isinstance(name, str):
        return "reject"
    if "\x00" in name:
        return "reject"
    trimmed = name.strip()
    if not trimmed or len(trimmed) > NAME_MAX_LENGTH:
        return "reject"
    if len(slugify(trimmed.replace(" ", "-"))) + len(FLAG_KEY_INFIX) + 10 > FLAG_KEY_MAX_LENGTH:
        return "reject"
    return "accept"


def variants_verdict(variants: object, *, present: bool) -> Verdict:
    """Whether PostHog accepts `variants` (§4, checks 1-7 in order)."""
    if not present:
        return "reject"
    if variants is None or not isinstance(variants, dict) or "control" not in variants:
        return "reject"
    for variant_name, variant in variants.items():
        if not isinstance(variant, dict):
            return "reject"  # PostHog answers 500 here; the contract says 400 (§4.5).
        if variant.get("rollout_percentage") is None:
            return "reject"
        if variant_name == "control":
            continue
        transforms = variant.get("transforms")
        if transforms is None:
            continue
        if not isinstance(transforms, list):
            return "unspecified"
        for transform in transforms:
            if not isinstance(transform, dict) or transform.get("selector") is None:
                return "reject"
            # §4.6: right after the selector, the text then the html, strings only.
            for content_key in ("text", "html"):
                content = transform.get(content_key)
                if isinstance(content, str) and unsafe_content(content) is not None:
                    return "reject"
    # §4.7: PostHog only sums the percentages. Booleans count as numbers and no range is checked
    # (150 and -50 pass); anything else makes the sum raise, a 500.
    percentages = [variant["rollout_percentage"] for variant in variants.values()]
    if any(not isinstance(p, int | float) or not math.isfinite(p) for p in percentages):
        return "reject"
    if sum(percentages) != 100:
        return "reject"
    return "accept"


def unsafe_content(content: str) -> str | None:
    """What the detail names for the first disallowed pattern in `content`, or None (§4.6)."""
    for pattern, fragment in UNSAFE_CONTENT:
        if pattern.search(content):
            return fragment
    return None


def created_at_verdict(value: object) -> Verdict:
    """Whether PostHog accepts a `created_at` override (§2)."""
    if not isinstance(value, str):
        return "reject"
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return "unspecified"
    return "accept" if 1900 <= parsed.year <= 9000 else "unspecified"


def body_verdict(body: object, method: str) -> Verdict:
    """Whether PostHog accepts a request body for `method` on the experiments API (§2-§5)."""
    if not isinstance(body, dict):
        return "reject"
    verdicts: list[Verdict] = []
    if method in ("POST", "PUT"):
        verdicts.append(name_verdict(body["name"]) if "name" in body else "reject")
    elif "name" in body:
        verdicts.append(name_verdict(body["name"]))
    if method in ("PUT", "PATCH") and "created_at" in body:
        verdicts.append(created_at_verdict(body["created_at"]))
    verdicts.append(variants_verdict(body.get("variants"), present="variants" in body))
    if "reject" in verdicts:
        return "reject"
    if "unspecified" in verdicts:
        return "unspecified"
    return "accept"


def malformed_cause(body: object) -> str:
    """The first shape problem of a request body's variants, in the server's order (§4), or a
    generic cause; names what a server's 5xx was about, so a baseline can recognise it."""
    variants = body.get("variants") if isinstance(body, dict) else None
    if not isinstance(body, dict):
        return "body is not an object"
    if not isinstance(variants, dict):
        return "variants is not an object"
    for variant_name, variant in variants.items():
        if not isinstance(variant, dict):
            return "a variant is not an object"
        if variant_name == "control":
            continue
        transforms = variant.get("transforms", [])
        if transforms in ({}, ""):
            continue
        if not isinstance(transforms, list):
            return "transforms of a test variant is not a list"
        if any(not isinstance(transform, dict) for transform in transforms):
            return "a transform of a test variant is not an object"
    for variant in variants.values():
        transforms = variant.get("transforms")
        for transform in transforms if isinstance(transforms, list) else []:
            if not isinstance(transform, dict):
                return "a transform is not an object"
    for variant in variants.values():
        if not isinstance(variant.get("rollout_percentage"), int | float):
            return "rollout_percentage is not a number"
    if _has_wide_integer(body):
        return "an integer beyond 64 bits"
    return "other"


def _has_wide_integer(value: object) -> bool:
    """Whether a JSON value holds an integer PostHog stores but cannot render (hazards.py)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, int) and number_breaks_reads(item):
            return True
    return False


MISSING = "(missing)"


def first_difference(expected: object, got: object, path: str) -> tuple[str, str, str] | None:
    """The first path where `got` differs from `expected`, with both values as JSON, or None.

    Object keys are compared as sets (PostHog may reorder a variant's keys); lists in order.
    """
    if isinstance(expected, dict) and isinstance(got, dict):
        for key in [*expected, *(k for k in got if k not in expected)]:
            where = f"{path}.{key}" if _plain_key(key) else f"{path}[{json.dumps(key)}]"
            if key not in got:
                return where, _shown(expected[key]), MISSING
            if key not in expected:
                return where, MISSING, _shown(got[key])
            found = first_difference(expected[key], got[key], where)
            if found is not None:
                return found
        return None
    if isinstance(expected, list) and isinstance(got, list):
        for index, (left, right) in enumerate(zip(expected, got, strict=False)):
            found = first_difference(left, right, f"{path}[{index}]")
            if found is not None:
                return found
        if len(expected) != len(got):
            index = min(len(expected), len(got))
            left = _shown(expected[index]) if index < len(expected) else MISSING
            right = _shown(got[index]) if index < len(got) else MISSING
            return f"{path}[{index}]", left, right
        return None
    if expected == got and type(expected) is type(got):
        return None
    return path, _shown(expected), _shown(got)


def _plain_key(key: str) -> bool:
    return re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) is not None


def _shown(value: object, limit: int = 200) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."
