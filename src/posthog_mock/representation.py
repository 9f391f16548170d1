"""How experiments look on the wire: field order, timestamps and variants rebuilt from the flag."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import orjson

from posthog_mock.hazards import drops_list, drops_retrieve, nesting_depth, read_back

# orjson refuses a document nested deeper than this ("Recursion limit reached").
ORJSON_MAX_DEPTH: Final = 255
# Containers around `variants`: the experiment object; in a list also the page and `results`.
DETAIL_WRAPPING: Final = 1
LIST_WRAPPING: Final = 3

# Why a stored experiment cannot be sent: its renderer fails (PostHog's HTML 500), or the
# worker aborts while rendering it (the connection drops unanswered).
UNRENDERABLE: Final = "unrenderable"
DROPS_CONNECTION: Final = "drops_connection"


# orjson recurses on the C stack: on a server thread with a small stack (Granian's runtime) a
# document nested this deep can overflow it and abort the process, so deeper ones are written
# container by container here, each scalar and key still by orjson (the same bytes).
ORJSON_SAFE_NESTING: Final = 48


def to_json(payload: Any, nesting: int | None = None) -> str:
    """Compact JSON as PostHog's renderer (orjson) writes it; TypeError beyond 64-bit ints.

    `nesting` (the payload's `nesting_depth`, when the caller knows it) picks the writer; an
    unknown nesting uses orjson directly.
    """
    if nesting is None or nesting <= ORJSON_SAFE_NESTING:
        return orjson.dumps(payload).decode()
    return _to_json_flat(payload)


class _Raw(str):
    """Text the flat writer emits as it is (punctuation and encoded keys)."""


def _to_json_flat(payload: Any) -> str:
    out: list[str] = []
    stack: list[Any] = [payload]
    while stack:
        item = stack.pop()
        if isinstance(item, _Raw):
            out.append(item)
        elif isinstance(item, dict):
            out.append("{")
            stack.append(_Raw("}"))
            for index, (key, value) in reversed(list(enumerate(item.items()))):
                stack.append(value)
                stack.append(_Raw(("," if index else "") + orjson.dumps(key).decode() + ":"))
        elif isinstance(item, list):
            out.append("[")
            stack.append(_Raw("]"))
            for index, value in reversed(list(enumerate(item))):
                stack.append(value)
                if index:
                    stack.append(_Raw(","))
        else:
            out.append(orjson.dumps(item).decode())
    return "".join(out)


def to_storage_json(payload: Any) -> str:
    """JSON for the mock's own columns: any value PostHog stores, numbers of any size."""
    return json.dumps(payload, separators=(",", ":"))


def format_created_at(value: datetime) -> str:
    """DRF's DateTimeField output: ISO 8601 in UTC with `Z` (no fraction when it is zero)."""
    text = value.astimezone(UTC).isoformat()
    return text.removesuffix("+00:00") + "Z"


def storage_timestamp(value: datetime) -> str:
    """Format a fixed-width UTC timestamp that sorts lexically in time order."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Document:
    """An experiment as sent on one route: its JSON, or why that route cannot send it."""

    text: str
    hazard: str | None = None


@dataclass(frozen=True)
class Rendered:
    """An experiment's documents for its retrieve and for a list page."""

    detail: Document
    listed: Document


def _unchanged(value: Any) -> Any:
    return value


def jsonb_order(value: Any) -> Any:
    """Order object keys the way Postgres `jsonb` stores them: shorter first, then bytewise."""
    if isinstance(value, dict):
        ordered = sorted(value.items(), key=lambda item: (len(item[0].encode()), item[0].encode()))
        return {key: jsonb_order(item) for key, item in ordered}
    if isinstance(value, list):
        return [jsonb_order(item) for item in value]
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
) -> Rendered:
    """Render the experiment in PostHog's field order (`as_stored`: as its reads give it back).

    Read back, every number has been through `jsonb` (`hazards.read_back`). A value that
    PostHog stores but cannot send marks the document with its hazard instead of a text.
    """
    if as_stored:
        split = read_back(split)
    rebuilt = rebuild_variants(variants, split, as_stored=as_stored)
    if drops_retrieve(rebuilt):
        # Never rendered: orjson itself is what aborts PostHog's worker on such objects.
        dropped = Document("", DROPS_CONNECTION)
        return Rendered(dropped, dropped)
    nesting = nesting_depth(rebuilt)
    text: str | None = None
    if nesting + DETAIL_WRAPPING <= ORJSON_MAX_DEPTH:
        payload = {
            "id": experiment_id,
            "name": name,
            "created_at": format_created_at(created_at),
            "feature_flag_key": feature_flag_key,
            "variants": read_back(rebuilt) if as_stored else rebuilt,
        }
        with contextlib.suppress(TypeError):
            text = to_json(payload, nesting + DETAIL_WRAPPING)
    detail = _document(text, drops=False)
    if nesting + LIST_WRAPPING > ORJSON_MAX_DEPTH:
        text = None
    listed = _document(text, drops=drops_list(rebuilt))
    return Rendered(detail, listed)


def _document(text: str | None, drops: bool) -> Document:
    if drops:
        return Document("", DROPS_CONNECTION)
    if text is None:
        return Document("", UNRENDERABLE)
    return Document(text)
