"""Feature flag rules: key derivation (Django's slugify) and the variant split check."""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Callable
from typing import Any, Final

from posthog_mock.errors import APIError, posthog_server_error, validation_error

FLAG_KEY_MAX_LENGTH: Final = 400
FLAG_KEY_INFIX: Final = "-web-experiment-feature-"
# PostHog creates a usage dashboard for every new flag; one of its insights is described as
# "<prefix><key>" in a 400-character column, so a key over 319 characters makes PostHog answer
# 500 (nothing is created); strict mode answers 400 on the key instead.
USAGE_INSIGHT_DESCRIPTION_PREFIX: Final = (
    "Shows the number of unique user calls made on feature flag per variant with key: "
)
USABLE_FLAG_KEY_LENGTH: Final = FLAG_KEY_MAX_LENGTH - len(USAGE_INSIGHT_DESCRIPTION_PREFIX)

_NOT_SLUG_CHARS = re.compile(r"[^\w\s-]")
_DASH_OR_SPACE_RUNS = re.compile(r"[-\s]+")


def slugify(value: str) -> str:
    """Django's `slugify` with `allow_unicode=False`, byte for byte."""
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = _NOT_SLUG_CHARS.sub("", value.lower())
    return _DASH_OR_SPACE_RUNS.sub("-", value).strip("-_")


def random_suffix() -> str:
    """Ten random lowercase hex characters, as PostHog appends to web experiment flag keys."""
    return secrets.token_hex(5)


def derive_flag_key(name: str, suffix: Callable[[], str] = random_suffix) -> str:
    """Derive the feature flag key PostHog gives an experiment of this name."""
    return slugify(f"{name.replace(' ', '-').lower()}{FLAG_KEY_INFIX}{suffix()}")


def check_flag_key_length(key: str) -> None:
    """Reject a derived key longer than the flag model allows (`attr: "key"`)."""
    if len(key) > FLAG_KEY_MAX_LENGTH:
        raise validation_error(
            f"Ensure this field has no more than {FLAG_KEY_MAX_LENGTH} characters.",
            code="max_length",
            attr="key",
        )


def check_usage_dashboard(key: str, *, strict: bool) -> None:
    """Fail like PostHog's usage dashboard for the new flag does on a key over 319 characters.

    It runs when the flag is saved, after every validation: PostHog's 500, or strict's 400.
    """
    if len(key) > USABLE_FLAG_KEY_LENGTH:
        too_long = validation_error(
            f"Ensure this field has no more than {USABLE_FLAG_KEY_LENGTH} characters.",
            code="max_length",
            attr="key",
        )
        raise posthog_server_error(too_long, strict=strict)


def flag_key_taken() -> APIError:
    """Build the error for a derived key that already names a flag of the project."""
    return validation_error(
        "There is already a feature flag with this key.", code="unique", attr="key"
    )


def build_split(variants: dict[str, Any]) -> list[dict[str, Any]]:
    """Build the flag split: variant keys in request order with their percentages."""
    return [
        {"key": name, "rollout_percentage": variant["rollout_percentage"]}
        for name, variant in variants.items()
    ]


def check_split(split: list[dict[str, Any]], *, strict: bool) -> None:
    """Validate the split the way PostHog's feature flag serializer does (`attr: "filters"`).

    PostHog only sums the percentages (booleans count as numbers there): a string or any other
    non-number makes that sum raise, PostHog's 500, or strict mode's clear 400. No version read
    checks each percentage's range, so 150 and -50 summing to 100 are stored.
    """
    for index, entry in enumerate(split):
        value = entry["rollout_percentage"]
        if not isinstance(value, int | float):
            not_a_number = validation_error(
                f"multivariate.variants[{index}].rollout_percentage must be a number,"
                f" got {type(value).__name__}",
                attr="filters",
            )
            raise posthog_server_error(not_a_number, strict=strict)
    if sum(entry["rollout_percentage"] for entry in split) != 100:
        raise validation_error(
            "Invalid variant definitions: Variant rollout percentages must sum to 100.",
            attr="filters",
        )
