"""Request body validation in PostHog's order: DRF fields, then variant rules."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Final

from posthog_mock.errors import APIError, posthog_server_error, validation_error
from posthog_mock.profiles import TRANSFORM_SCRIPT_INJECTION_CHECK, Profile

NAME_MAX_LENGTH: Final = 400
DATETIME_FORMAT_HINT: Final = "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]"

_MISSING: Final = object()

_DJANGO_DATETIME = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
    r"[T ](?P<hour>\d{1,2}):(?P<minute>\d{1,2})"
    r"(?::(?P<second>\d{1,2})(?:[.,](?P<microsecond>\d{1,6})\d{0,6})?)?"
    r"\s*(?P<tzinfo>Z|[+-]\d{2}(?::?\d{2})?)?$"
)

# PostHog's `validate_no_xss` after PR #47791, as a fork of its code has it (see the evidence of
# `transform_script_injection_check`): each pattern, searched case-insensitively in this order, and
# what the detail says after "<field> contains disallowed ".
_DISALLOWED: Final = (
    (re.compile(r"<script[^>]*>", re.IGNORECASE), "<script> tags"),
    (re.compile(r"</script>", re.IGNORECASE), "</script> tags"),
    (re.compile(r"\son\w+\s*=", re.IGNORECASE), "event handlers (onclick, onerror, etc.)"),
    (re.compile(r"javascript\s*:", re.IGNORECASE), "javascript: protocol"),
    (re.compile(r"data\s*:\s*text/html", re.IGNORECASE), "data:text/html"),
    (re.compile(r"<iframe[^>]*>", re.IGNORECASE), "<iframe> tags"),
    (re.compile(r"<(object|embed)[^>]*>", re.IGNORECASE), "<object> or <embed> tags"),
)


@dataclass(frozen=True)
class RequestBody:
    """A decoded request body: JSON data, or form fields whose values are strings."""

    data: Any
    is_form: bool = False


@dataclass(frozen=True)
class ExperimentInput:
    """The validated fields of a create or update request (None: not given)."""

    name: str | None
    created_at: datetime | None
    variants: dict[str, Any]


def validate_experiment(
    body: RequestBody, *, partial: bool, profile: Profile, strict: bool
) -> ExperimentInput:
    """Validate a create (POST), replace (PUT) or partial update (PATCH) body."""
    data = body.data
    if data is None:
        raise validation_error("No data provided", code="null")
    if not isinstance(data, dict):
        raise validation_error(
            f"Invalid data. Expected a dictionary, but got {type(data).__name__}."
        )
    name = _validate_name(data.get("name", _MISSING), partial=partial)
    created_at = _validate_created_at(data.get("created_at", _MISSING), is_form=body.is_form)
    raw_variants = _validate_variants_field(
        data.get("variants", _MISSING), partial=partial, is_form=body.is_form
    )
    variants = validate_variant_rules(raw_variants, profile=profile, strict=strict)
    return ExperimentInput(name=name, created_at=created_at, variants=variants)


def _validate_name(value: Any, *, partial: bool) -> str | None:
    if value is _MISSING:
        if partial:
            return None
        raise validation_error("This field is required.", code="required", attr="name")
    if value is None:
        raise validation_error("This field may not be null.", code="null", attr="name")
    if value == "" or str(value).strip() == "":
        raise validation_error("This field may not be blank.", code="blank", attr="name")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise validation_error("Not a valid string.", attr="name")
    name = str(value).strip()
    if len(name) > NAME_MAX_LENGTH:
        raise validation_error(
            f"Ensure this field has no more than {NAME_MAX_LENGTH} characters.",
            code="max_length",
            attr="name",
        )
    if "\x00" in name:
        raise validation_error(
            "Null characters are not allowed.", code="null_characters_not_allowed", attr="name"
        )
    surrogate = _first_surrogate(name)
    if surrogate is not None:
        raise _surrogate_error(surrogate, "name")
    return name


def _validate_created_at(value: Any, *, is_form: bool) -> datetime | None:
    if value is _MISSING or (is_form and value == ""):
        return None
    if value is None:
        raise validation_error("This field may not be null.", code="null", attr="created_at")
    parsed = parse_datetime(value)
    if parsed is None:
        raise validation_error(
            f"Datetime has wrong format. Use one of these formats instead: {DATETIME_FORMAT_HINT}.",
            attr="created_at",
        )
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        # DRF 3.15.1 `DateTimeField.default_error_messages["overflow"]` (recorded on 2025-08).
        raise validation_error(
            "Datetime value out of range.", code="overflow", attr="created_at"
        ) from None


def parse_datetime(value: Any) -> datetime | None:
    """Django's `parse_datetime` as DRF's DateTimeField uses it; None when invalid."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    match = _DJANGO_DATETIME.match(value)
    if match is None:
        return None
    parts = match.groupdict()
    tz_text = parts.pop("tzinfo")
    microsecond = parts.pop("microsecond")
    try:
        tzinfo: timezone | None = None
        if tz_text == "Z":
            tzinfo = UTC
        elif tz_text is not None:
            offset_minutes = int(tz_text[-2:]) if len(tz_text) > 3 else 0
            offset = 60 * int(tz_text[1:3]) + offset_minutes
            tzinfo = timezone(timedelta(minutes=-offset if tz_text[0] == "-" else offset))
        return datetime(
            int(parts["year"]),
            int(parts["month"]),
            int(parts["day"]),
            int(parts["hour"]),
            int(parts["minute"]),
            int(parts["second"] or 0),
            int((microsecond or "").ljust(6, "0")),
            tzinfo=tzinfo,
        )
    except ValueError:
        return None


def _validate_variants_field(value: Any, *, partial: bool, is_form: bool) -> Any:
    if value is _MISSING:
        if partial:
            raise validation_error("Experiment does not have any variants")
        raise validation_error("This field is required.", code="required", attr="variants")
    if is_form:
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            raise validation_error("Value must be valid JSON.", attr="variants") from None
    if value is None:
        raise validation_error("This field may not be null.", code="null", attr="variants")
    if _has_non_finite(value):
        # DRF's JSONField dumps the value with allow_nan=False (NaN, Infinity, 1e400).
        raise validation_error("Value must be valid JSON.", attr="variants")
    return value


def _has_non_finite(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def validate_variant_rules(variants: Any, *, profile: Profile, strict: bool) -> dict[str, Any]:
    """PostHog's variant checks 3 to 6 (reference §4), first failure wins.

    Where PostHog raises an unhandled exception (`"control" in 0`, `.get` on whatever a variant
    or transform is, iterating whatever `transforms` is), every profile answers its 500, and
    strict mode a clear 400 instead.
    """
    if variants in ([], "") or (isinstance(variants, dict) and "control" not in variants):
        raise validation_error("Experiment should contain a control variant")
    if not isinstance(variants, dict):
        dictionary = validation_error(
            "Experiment variants should be a dictionary of keys -> transforms"
        )
        if variants:
            raise dictionary
        raise posthog_server_error(dictionary, strict=strict)  # `"control" in 0`
    checks_content = profile.has(TRANSFORM_SCRIPT_INJECTION_CHECK)
    for name, variant in variants.items():
        if not isinstance(variant, dict):
            error = validation_error(f"Experiment variant '{name}' should be a dictionary")
            raise posthog_server_error(error, strict=strict)  # `.get` on a non-dict
        if variant.get("rollout_percentage") is None:
            raise validation_error(
                f"Experiment variant '{name}' does not have any rollout percentage"
            )
        if name == "control":
            continue
        for index, transform in enumerate(_transforms_of(name, variant, strict=strict)):
            if not isinstance(transform, dict):
                error = validation_error(
                    f"Experiment transform [${index}] variant '{name}' should be a dictionary"
                )
                raise posthog_server_error(error, strict=strict)  # `.get` on a non-dict
            if transform.get("selector") is None:
                raise validation_error(
                    f"Experiment transform [${index}] variant '{name}' "
                    "does not have a valid selector"
                )
            if checks_content:
                for field in ("text", "html"):
                    content = transform.get(field)
                    if isinstance(content, str):
                        _check_disallowed(content, f"Transform {field} in variant '{name}'")
    return variants


def _transforms_of(name: str, variant: dict[str, Any], *, strict: bool) -> list[Any]:
    """Return what PostHog's `for transform in variant.get("transforms", {})` iterates."""
    transforms = variant.get("transforms", {})
    if isinstance(transforms, list):
        return transforms
    if transforms in ({}, ""):
        return []
    not_a_list = validation_error(f"Experiment variant '{name}' transforms should be a list")
    if strict:
        raise not_a_list
    if isinstance(transforms, str | dict):
        return list(transforms)  # characters or keys: strings, so not transform objects
    raise posthog_server_error(not_a_list, strict=strict)  # a number, `true` or null


def _check_disallowed(content: str, field_name: str) -> None:
    """PostHog's `validate_no_xss`: the first disallowed pattern found is the 400."""
    for pattern, what in _DISALLOWED:
        if pattern.search(content):
            raise validation_error(f"{field_name} contains disallowed {what}")


def check_storable(variants: dict[str, Any]) -> None:
    """Refuse values PostHog's database refuses (NUL, lone surrogates): 400 here, 500 there."""
    stack: list[Any] = [variants]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            if "\x00" in item:
                raise validation_error(
                    "Null characters are not allowed.",
                    code="null_characters_not_allowed",
                    attr="variants",
                )
            surrogate = _first_surrogate(item)
            if surrogate is not None:
                raise _surrogate_error(surrogate, "variants")


def _first_surrogate(text: str) -> str | None:
    for char in text:
        if "\ud800" <= char <= "\udfff":
            return char
    return None


def _surrogate_error(char: str, attr: str) -> APIError:
    return validation_error(
        f"Surrogate characters are not allowed: U+{ord(char):X}.",
        code="surrogate_characters_not_allowed",
        attr=attr,
    )
