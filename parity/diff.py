"""Path-level diff of two JSON values: every differing path with both values."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

MISSING: Final[Any] = type("Missing", (), {"__repr__": lambda self: "<absent>"})()


@dataclass(frozen=True)
class Difference:
    """One path where two JSON values differ; `MISSING` when a side does not have it."""

    path: str
    expected: Any
    actual: Any

    def describe(self, expected_label: str = "expected", actual_label: str = "actual") -> str:
        """One readable line per side."""
        return (
            f"{self.path}\n    {expected_label}: {_show(self.expected)}"
            f"\n    {actual_label}: {_show(self.actual)}"
        )


def _show(value: Any) -> str:
    if value is MISSING:
        return "<absent>"
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 300 else text[:300] + "…"


def _same_type(left: Any, right: Any) -> bool:
    # JSON sees 1 and 1.0 as different spellings (PostHog keeps what was sent); bool is not int;
    # -0.0 and 0.0 are equal floats but different JSON.
    return type(left) is type(right) and (not isinstance(left, float) or repr(left) == repr(right))


def diff_values(expected: Any, actual: Any, path: str = "") -> list[Difference]:
    """Every path where `actual` differs from `expected`, depth first, in `expected`'s order."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found: list[Difference] = []
        # Header names have no order on the wire; JSON object keys do (PostHog's field order).
        ordered = not path.endswith("headers")
        if ordered and list(expected) != list(actual) and set(expected) == set(actual):
            found.append(Difference(f"{path}.<key order>", list(expected), list(actual)))
        for key in expected:
            child = f"{path}.{key}" if path else str(key)
            if key not in actual:
                found.append(Difference(child, expected[key], MISSING))
            else:
                found.extend(diff_values(expected[key], actual[key], child))
        for key in actual:
            if key not in expected:
                child = f"{path}.{key}" if path else str(key)
                found.append(Difference(child, MISSING, actual[key]))
        return found
    if isinstance(expected, list) and isinstance(actual, list):
        found = []
        for index in range(max(len(expected), len(actual))):
            child = f"{path}[{index}]"
            left = expected[index] if index < len(expected) else MISSING
            right = actual[index] if index < len(actual) else MISSING
            if left is MISSING or right is MISSING:
                found.append(Difference(child, left, right))
            else:
                found.extend(diff_values(left, right, child))
        return found
    if expected == actual and _same_type(expected, actual):
        return []
    return [Difference(path or "<root>", expected, actual)]
