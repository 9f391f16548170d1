"""Values PostHog stores but then cannot read back: each class, its limit and its evidence.

One place for these facts, pure Python (no server imports), read by the mock, the contract
suite and the parity fuzzer. Limits were measured on PostHog 29dbf9d2 (about 2025-08-01):
its JSON renderer is orjson (`posthog/renderers.py`, `SafeJSONRenderer`), which renders
integers in [-2**63, 2**64 - 1] and nothing wider; Postgres `jsonb` keeps a number as the
decimal text Python's `json` wrote, so a float whose value is an integer (`1e20`) reads back
as an `int`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

# orjson renders exactly these integers (i64 and u64); one more either side raises
# "Integer exceeds 64-bit range" and the whole answer becomes a 500.
RENDERABLE_INTEGERS: Final = range(-(2**63), 2**64)
# What a generated body is clamped to: the signed 64-bit range, inside the renderable one.
SAFE_INTEGERS: Final = range(-(2**63), 2**63)
# The float a too-large integral float becomes: integral, but well inside 64 bits either side.
SAFE_FLOAT_BOUND: Final = 9.2e18
# A stored body nested this deep (containers, the body object counting 1) is read back fine;
# deeper bodies are not (see DEEP_NESTING).
MAX_READABLE_DEPTH: Final = 100
# What a generated body is cut to: well below the depth that breaks reads.
SAFE_DEPTH: Final = 32


@dataclass(frozen=True)
class Hazard:
    """One class of stored value that breaks reads of the experiment and its project's list."""

    name: str
    what: str
    limit: str
    effect: str
    recordings: tuple[str, ...]


INTEGER_BEYOND_64_BITS: Final = Hazard(
    name="integer_beyond_64_bits",
    what="an integer anywhere in the body (variants included) outside [-2**63, 2**64 - 1]",
    limit="integers in [-9223372036854775808, 18446744073709551615] render",
    effect="the create itself answers 500 (stored, then not rendered: no id comes back); every"
    " retrieve of it and every list page holding it answers 500 until it is deleted",
    recordings=("read_breaking_integer_beyond_64_bits",),
)
INTEGRAL_FLOAT_BEYOND_64_BITS: Final = Hazard(
    name="integral_float_beyond_64_bits",
    what="a float whose value is an integer outside [-2**63, 2**64 - 1] once stored (1e20,"
    " -1e19, 1.5e30): Postgres jsonb keeps it as an integer",
    limit="the stored integer must render: within [-9223372036854775808, 18446744073709551615]",
    effect="the write answers 2xx (rendered from the float it received); every later retrieve"
    " of it and every list page holding it answers 500 until it is deleted",
    recordings=("read_breaking_integral_float_beyond_64_bits",),
)
DEEP_NESTING: Final = Hazard(
    name="deep_nesting",
    what=f"a body nested deeper than {MAX_READABLE_DEPTH} levels (objects and arrays)",
    limit=f"at most {MAX_READABLE_DEPTH} levels read back",
    effect="the write answers 2xx; every later retrieve of it and every list page holding it"
    " drops the connection without an answer until it is deleted",
    recordings=("read_breaking_deep_nesting",),
)
HAZARDS: Final = (INTEGER_BEYOND_64_BITS, INTEGRAL_FLOAT_BEYOND_64_BITS, DEEP_NESTING)


def stored_number(value: float) -> int | float:
    """Return the number PostHog reads back for a float it stored: as int if jsonb made it one.

    Python's `json` writes large and small floats in exponent form (`1e+20`, `9.2e+18`);
    Postgres `numeric` keeps the scale the text implies, so `1e+20` comes back as the integer
    100000000000000000000 while `1.0` and `1.5e-07` stay floats.
    """
    if not math.isfinite(value):
        return value
    text = repr(value)
    exact = Decimal(text)
    exponent = exact.as_tuple().exponent
    if "e" in text and isinstance(exponent, int) and exponent >= 0:
        return int(exact)
    return value


def stored_json(value: Any) -> Any:
    """Return a JSON value as PostHog reads it back after storing it (see `stored_number`)."""
    if isinstance(value, dict):
        return {key: stored_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [stored_json(item) for item in value]
    if isinstance(value, float):
        return stored_number(value)
    return value


def json_path(parts: tuple[str | int, ...]) -> str:
    """Write a location as a JSON path: `$.variants.control.x`, `$.a[0]`, `$["a b"]`."""
    text = "$"
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part.isidentifier():
            text += f".{part}"
        else:
            text += f"[{json.dumps(part)}]"
    return text


def breaking_locations(value: Any) -> list[tuple[Hazard, tuple[str | int, ...]]]:
    """List every part of a JSON value PostHog would store but not read back, with its place."""
    found: list[tuple[Hazard, tuple[str | int, ...]]] = []
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, ())]
    while stack:
        item, where = stack.pop()
        if isinstance(item, dict | list):
            if len(where) + 1 > MAX_READABLE_DEPTH:
                found.append((DEEP_NESTING, where))
                continue
            children: list[tuple[Any, tuple[str | int, ...]]] = (
                [(v, (*where, str(k))) for k, v in item.items()]
                if isinstance(item, dict)
                else [(v, (*where, i)) for i, v in enumerate(item)]
            )
            stack.extend(reversed(children))
        elif isinstance(item, bool):
            continue
        elif isinstance(item, int):
            if item not in RENDERABLE_INTEGERS:
                found.append((INTEGER_BEYOND_64_BITS, where))
        elif isinstance(item, float):
            stored = stored_number(item)
            if isinstance(stored, int) and stored not in RENDERABLE_INTEGERS:
                found.append((INTEGRAL_FLOAT_BEYOND_64_BITS, where))
    return found


def read_breaking(value: Any) -> list[tuple[Hazard, str]]:
    """List the parts of a JSON value PostHog stores but cannot read back: (class, JSON path)."""
    return [(hazard, json_path(where)) for hazard, where in breaking_locations(value)]


def make_safe(value: Any) -> Any:
    """Return a copy of a JSON value PostHog reads back: wide numbers clamped, nesting cut."""
    return _safe(value, 1)


def _safe(value: Any, depth: int) -> Any:
    if isinstance(value, dict):
        if depth >= SAFE_DEPTH:
            return {}
        return {key: _safe(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        if depth >= SAFE_DEPTH:
            return []
        return [_safe(item, depth + 1) for item in value]
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value not in SAFE_INTEGERS:
        return SAFE_INTEGERS.stop - 1 if value > 0 else SAFE_INTEGERS.start
    if isinstance(value, float):
        stored = stored_number(value)
        if isinstance(stored, int) and stored not in SAFE_INTEGERS:
            return SAFE_FLOAT_BOUND if value > 0 else -SAFE_FLOAT_BOUND
    return value
