"""How experiments look on the wire: field order, timestamps and variants rebuilt from the flag."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any


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


def rebuild_variants(stored: Any, split: list[dict[str, Any]] | None) -> Any:
    """Variants in split order, each `rollout_percentage` first and then its other stored keys."""
    if split is None:
        return stored
    source = stored if isinstance(stored, dict) else {}
    rebuilt: dict[str, Any] = {}
    for entry in split:
        variant = source.get(entry["key"])
        extra = variant.items() if isinstance(variant, dict) else ()
        rebuilt[entry["key"]] = {
            "rollout_percentage": entry["rollout_percentage"],
            **{k: v for k, v in extra if k != "rollout_percentage"},
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
) -> str:
    """Render the experiment's JSON in PostHog's field order."""
    return to_json(
        {
            "id": experiment_id,
            "name": name,
            "created_at": format_created_at(created_at),
            "feature_flag_key": feature_flag_key,
            "variants": rebuild_variants(variants, split),
        }
    )
