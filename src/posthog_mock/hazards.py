"""Values PostHog stores but cannot read back: each class, its measured limits, what reads do.

One place for these facts: the mock's profiles reproduce the damage from them, and the
contract suite's live mode never sends a value they name (`make_safe`). Every limit was
measured on the recorded server (PostHog `29dbf9d2`, about 2025-08-01) by creating an
experiment whose `variants.control.x` held the value, then reading it back:

- numbers: PostHog renders responses with orjson, which refuses integers outside
  [-2**63, 2**64 - 1] ("Integer exceeds 64-bit range"); the experiment is stored first, so its
  create answers 500 and so does every later retrieve and every list of the project, with
  PostHog's HTML error page, until it is deleted (DELETE works). A float is stored in Postgres
  `jsonb` as its decimal text and read back through Python's `json`: one written with a positive
  exponent (every float of magnitude 1e16 or more) reads back as an integer
  (1e16 -> 10000000000000000, 1e20 -> 100000000000000000000), and when that integer is outside
  the range above the create still answers 201 (it renders the request's float) and every later
  read answers 500. `-0.0` and `1e-400` read back as `0.0`.
- nesting: objects nested inside a variant make the server's worker abort (`malloc(): invalid
  size`) while it renders them, so the connection drops with no answer: with `variants` 134 to
  143 objects deep (`control` holding 132 to 141 nested objects) every list of the project drops
  the connection while retrieve still answers; from about 144 deep the create's own answer and
  every retrieve drop too (near that boundary the abort is not deterministic: 144 dropped the
  create's answer once and stored it, 145 dropped it and stored it). 133 deep reads back fine, and
  so do arrays 150 and 248 deep (beyond about 250 orjson refuses the depth: a 500, not an abort).
- mixed nesting: arrays on the way bring the boundaries closer. Objects and arrays alternating
  in `control.x` (`{"a": [{"a": [...`, own server, 2026-12-08): 160, 176, 180 and 190
  containers read back fine (176 and 190 also under a 250-character name: the name's length is
  not what matters); 200 (100 objects, 100 arrays) dropped the create's answer and every list
  holding it, while the same value stored by a PATCH answered it and read back through retrieve
  (`read_breaking_mixed_nesting`). The mock reproduces the list's boundary with each array
  counting `LIST_ARRAY_WEIGHT` of an object (0.35: 190 lists, 200 drops) and not the create's
  with arrays (its answer to such a create is rendered). What is never sent (the live guard) and
  what strict mode refuses count each array as half an object (`ARRAY_WEIGHT`): alternating
  nesting is refused from 176 containers deep, below every drop measured.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

RENDERABLE_INT_MIN: Final = -(2**63)
RENDERABLE_INT_MAX: Final = 2**64 - 1
# Python writes a float with an exponent from this magnitude on; jsonb reads it back as an int.
FLOAT_READ_AS_INT_FROM: Final = 1e16
# Object depth of `variants` (itself 1) from which reads drop the connection.
LIST_BREAKING_OBJECT_DEPTH: Final = 134
RETRIEVE_BREAKING_OBJECT_DEPTH: Final = 144
# What an array on the way counts, in objects, for what is never sent (a margin below every
# drop measured with arrays mixed in, see above), and for the list's boundary as reproduced.
ARRAY_WEIGHT: Final = 0.5
LIST_ARRAY_WEIGHT: Final = 0.35
# What the contract suite's live mode never exceeds: well below every measured limit.
SAFE_DEPTH: Final = 32
SAFE_INT_MIN: Final = RENDERABLE_INT_MIN
SAFE_INT_MAX: Final = 2**63 - 1


@dataclass(frozen=True)
class HazardClass:
    """One class of values PostHog stores but cannot read back."""

    name: str
    what: str
    effect: str
    limit: str
    recordings: tuple[str, ...]


NUMBER_BEYOND_64_BITS: Final = HazardClass(
    name="number_beyond_64_bits",
    what="an integer outside [-2**63, 2**64-1], or a float that reads back as one (1e20)",
    effect="every retrieve and list of the project answers 500 (HTML) until it is deleted",
    limit=f"integers in [{RENDERABLE_INT_MIN}, {RENDERABLE_INT_MAX}] and floats below"
    f" {FLOAT_READ_AS_INT_FROM:g} in magnitude, or whose integer value is in that range",
    recordings=("read_breaking_integer_beyond_64_bits", "read_breaking_float_read_as_big_int"),
)
NESTING_TOO_DEEP: Final = HazardClass(
    name="nesting_too_deep",
    what=f"objects nested {LIST_BREAKING_OBJECT_DEPTH} or more deep in `variants`, an array on"
    f" the way counting {ARRAY_WEIGHT} of an object",
    effect="every list of the project drops the connection (the worker aborts); from"
    f" {RETRIEVE_BREAKING_OBJECT_DEPTH} deep the create's answer and every retrieve too",
    limit=f"`variants` at most {LIST_BREAKING_OBJECT_DEPTH - 1} objects deep",
    recordings=("read_breaking_nesting_breaks_list", "read_breaking_mixed_nesting"),
)
CLASSES: Final[tuple[HazardClass, ...]] = (NUMBER_BEYOND_64_BITS, NESTING_TOO_DEEP)


@dataclass(frozen=True)
class Finding:
    """Where in a value a hazard sits: its class and a JSON path such as `$.control.x[0]`."""

    hazard: HazardClass
    path: str


def read_back_number(value: int | float) -> int | float:
    """Return the number PostHog's reads give for `value` once `jsonb` has stored it."""
    if isinstance(value, float) and math.isfinite(value):
        if value == 0.0:
            return 0.0
        if abs(value) >= FLOAT_READ_AS_INT_FROM:
            # jsonb keeps the decimal text Python wrote (`1.844674407370955e+19`), not the
            # binary value: 18446744073709550000, where int() would give ...549568.
            return int(Decimal(repr(value)))
    return value


def read_back(value: Any) -> Any:
    """Return a JSON value as PostHog's reads give it back (every number through jsonb)."""
    if isinstance(value, dict):
        return {key: read_back(item) for key, item in value.items()}
    if isinstance(value, list):
        return [read_back(item) for item in value]
    if isinstance(value, float):
        return read_back_number(value)
    return value


def number_breaks_reads(value: object) -> bool:
    """Whether a JSON number, once stored, makes PostHog's reads answer 500."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if isinstance(value, float) and not math.isfinite(value):
        return False  # PostHog refuses NaN and Infinity before storing (400)
    read = read_back_number(value)
    return isinstance(read, int) and not RENDERABLE_INT_MIN <= read <= RENDERABLE_INT_MAX


def object_depth(value: object) -> float:
    """How deep `value` nests towards the boundaries of reads, in objects (arrays count half).

    Each object on the path counts 1 and each array `ARRAY_WEIGHT`: `object_depth(v) >=
    LIST_BREAKING_OBJECT_DEPTH` is what the live guard never sends and strict mode refuses.
    With objects alone it is their number, the measured boundary.
    """
    return weighted_depth(value, ARRAY_WEIGHT)


def weighted_depth(value: object, array_weight: float) -> float:
    """Return the deepest path of `value`: each object on it counts 1, each array `array_weight`."""
    deepest = 0.0
    stack: list[tuple[object, float]] = [(value, 0.0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            depth += 1
            deepest = max(deepest, depth)
            stack.extend((child, depth) for child in item.values())
        elif isinstance(item, list):
            depth += array_weight
            deepest = max(deepest, depth)
            stack.extend((child, depth) for child in item)
    return deepest


def drops_retrieve(variants: object) -> bool:
    """Whether the mock drops the answer holding `variants` alone (create, retrieve): objects."""
    return weighted_depth(variants, 0.0) >= RETRIEVE_BREAKING_OBJECT_DEPTH


def drops_list(variants: object) -> bool:
    """Whether the mock drops a list page holding `variants` (arrays: `LIST_ARRAY_WEIGHT`)."""
    return weighted_depth(variants, LIST_ARRAY_WEIGHT) >= LIST_BREAKING_OBJECT_DEPTH


def nesting_depth(value: object) -> int:
    """How many containers (objects and arrays) deep `value` nests; a scalar is 0."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            depth += 1
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth) for child in children)
    return deepest


def read_breaking(variants: object) -> list[Finding]:
    """Every hazard in a `variants` value as PostHog would store it, with its path."""
    findings = [
        Finding(NUMBER_BEYOND_64_BITS, path)
        for path, item in _walk(variants, "$")
        if number_breaks_reads(item)
    ]
    if object_depth(variants) >= LIST_BREAKING_OBJECT_DEPTH:
        findings.append(Finding(NESTING_TOO_DEEP, "$"))
    return findings


def _walk(value: object, path: str) -> Iterator[tuple[str, object]]:
    stack: list[tuple[str, object]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        yield where, item
        if isinstance(item, dict):
            stack.extend((f"{where}.{key}", child) for key, child in item.items())
        elif isinstance(item, list):
            stack.extend((f"{where}[{index}]", child) for index, child in enumerate(item))


def is_safe(value: object) -> bool:
    """Whether `value` stays within what the live suite may send (numbers and depth)."""
    if nesting_depth(value) > SAFE_DEPTH:
        return False
    return not any(_unsafe_number(item) for _, item in _walk(value, "$"))


def _unsafe_number(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if isinstance(value, float) and not math.isfinite(value):
        return False
    read = read_back_number(value)
    return isinstance(read, int) and not SAFE_INT_MIN <= read <= SAFE_INT_MAX


def make_safe(value: Any, depth: int = 0) -> Any:
    """Return a copy of `value` within the safe limits: numbers clamped, depth cut.

    Integers and floats that read back as integers are clamped into the signed 64-bit range; a
    container that would nest deeper than `SAFE_DEPTH` is replaced by `None`.
    """
    if isinstance(value, dict | list):
        if depth >= SAFE_DEPTH:
            return None
        if isinstance(value, dict):
            return {key: make_safe(item, depth + 1) for key, item in value.items()}
        return [make_safe(item, depth + 1) for item in value]
    if _unsafe_number(value):
        return SAFE_INT_MAX if value > 0 else SAFE_INT_MIN
    return value
