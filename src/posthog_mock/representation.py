"""How experiments look on the wire: field order, timestamps and variants rebuilt from the flag."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from posthog_mock.hazards import read_back_number


def to_json(payload: Any) -> str:
    """Compact JSON as DRF's renderer writes it (UTF-8, no spaces)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def format_created_at(value: datetime) -> str:
    """DRF's DateTimeField output: ISO 8601 in UTC with `Z` (no fraction when it is zero)."""
    text = value.astimezone(UTC).isoformat()
    return text.removesuffix("+00:00") + "Z"


def storage_timestamp(value: datetime) -> str:
    """Format a fixed-width UTC timestamp that sorts lexically in time order."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _unchanged(value: Any) -> Any:
    return value


def jsonb_order(value: Any) -> Any:
    """Return a value as Postgres `jsonb` gives it back to PostHog's reads.

    Object keys shorter first, then bytewise; numbers as Python's `json` reads jsonb's text
    (`-0.0` is `0.0`, a float of 1e16 or more an int: `hazards.read_back_number`).
    """
    if isinstance(value, dict):
        ordered = sorted(value.items(), key=lambda item: (len(item[0].encode()), item[0].encode()))
        return {key: jsonb_order(item) for key, item in ordered}
    if isinstance(value, list):
        return [jsonb_order(item) for item in value]
    if isinstance(value, float):
        return read_back_number(value)
    return value


def rebuild_variants(
    stored: Any, split: list[dict[str, Any]] | None, *, as_stored: bool = True
) -> Any:
    """Variants in split order, `rollout_percentage` first, then the variant's other keys.

    Read back from the database (`as_stored`), objects come in `jsonb` key order; the answer
    to the write itself keeps the request's order. A variant named "" is stored but never
    shown: PostHog's rebuild skips falsy keys (§4, §11).
    """
    order = jsonb_order if as_stored else _unchanged
    if split is None:
        return stored
    source = stored if isinstance(stored, dict) else {}
    rebuilt: dict[str, Any] = {}
    for entry in split:
        if not entry["key"]:
            continue
        variant = source.get(entry["key"])
        extra = variant.items() if isinstance(variant, dict) else ()
        rebuilt[entry["key"]] = {
            "rollout_percentage": entry["rollout_percentage"],
            **order({k: v for k, v in extra if k != "rollout_percentage"}),
        }
    return rebuilt


def render_experiment(
    experiment_id: int,
    *,
    name: str,
    created_at: datetime,
    feature_flag_key: str,
    variants: Any,
    split: list[dict[str, Any]] | None,
    as_stored: bool = True,
) -> str:
    """Render the experiment's JSON in PostHog's field order (`as_stored`: as read back)."""
    return to_json(
        {
            "id": experiment_id,
            "name": name,
            "created_at": format_created_at(created_at),
            "feature_flag_key": feature_flag_key,
            "variants": rebuild_variants(variants, split, as_stored=as_stored),
        }
    )
