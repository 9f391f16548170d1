"""Values PostHog stores but then cannot read back (posthog_mock/hazards.py, one per class).

Each scenario stores the value, lists the project, retrieves the experiment, deletes it and
lists again: the recording shows every read of the project failing until the delete. They
break the main project's reads while they run, so `parity live` and `parity record` run them
only with `--destructive-probes` (a disposable server).
"""

from __future__ import annotations

from typing import Any, Final

from parity.corpus._helpers import Area, P, create, detail_path, get
from parity.model import Step
from posthog_mock.hazards import (
    LIST_BREAKING_OBJECT_DEPTH,
    NESTING_TOO_DEEP,
    NUMBER_BEYOND_64_BITS,
    RENDERABLE_INT_MAX,
)

AREA: Final = "read_breaking"
scenario = Area(AREA)


def _variants_with(value: Any) -> dict[str, Any]:
    return {"control": {"rollout_percentage": 100, "x": value}}


def _nested_objects(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = {"a": value}
    return value


def _mixed(depth: int) -> Any:
    """Objects and arrays alternating, `depth` containers: `{"a": [{"a": [... 1 ...]}]}`."""
    value: Any = 1
    for level in reversed(range(depth)):
        value = {"a": value} if level % 2 == 0 else [value]
    return value


def _reads_then_delete(rule: str) -> tuple[Step, ...]:
    return (
        get(P, rule=f"{rule}: the project's list"),
        get(detail_path(), rule=f"{rule}: the experiment"),
        Step("DELETE", detail_path(), rule="deleting it: 204"),
        get(P, rule="the list once it is deleted"),
    )


SCENARIOS: Final = (
    scenario(
        NUMBER_BEYOND_64_BITS.recordings[1],
        "a float whose value is an integer beyond 64 bits (1e20) is stored; reads answer 500",
        create("Read breaking float", variants=_variants_with(1)),
        Step(
            "PATCH",
            detail_path(),
            json={"variants": _variants_with(1e20)},
            rule="1e20: stored, answered 200",
        ),
        *_reads_then_delete("after 1e20 is stored"),
        empty_project=True,
    ),
    scenario(
        NUMBER_BEYOND_64_BITS.recordings[0],
        "an integer beyond 64 bits is stored by the write that answers 500; reads answer 500",
        create("Read breaking integer", variants=_variants_with(1)),
        Step(
            "PATCH",
            detail_path(),
            json={"variants": _variants_with(RENDERABLE_INT_MAX + 1)},
            rule="2**64: stored, not rendered",
        ),
        *_reads_then_delete("after 2**64 is stored"),
        empty_project=True,
    ),
    scenario(
        NESTING_TOO_DEEP.recordings[0],
        f"variants {LIST_BREAKING_OBJECT_DEPTH} objects deep are stored; every list drops the"
        " connection (the worker aborts) while the experiment itself still reads",
        create(
            "Read breaking nesting",
            variants=_variants_with(_nested_objects(LIST_BREAKING_OBJECT_DEPTH - 2)),
            rule="nested: stored",
        ),
        get(detail_path(), rule="the experiment reads"),
        get(P, rule="the project's list drops the connection"),
        Step("DELETE", detail_path(), rule="deleting it: 204"),
        get(P, rule="the list once it is deleted"),
        empty_project=True,
    ),
    scenario(
        NESTING_TOO_DEEP.recordings[1],
        "objects and arrays alternating: 190 deep read back; 200 deep stored by a PATCH answer"
        " and read back through retrieve, and every list holding them drops the connection",
        create("Read breaking mixed", variants=_variants_with(_mixed(190)), rule="190: stored"),
        get(detail_path(), rule="190 deep: the experiment reads"),
        get(P, rule="190 deep: the list reads"),
        Step(
            "PATCH",
            detail_path(),
            json={"variants": _variants_with(_mixed(200))},
            rule="200 deep: stored",
        ),
        get(detail_path(), rule="200 deep: the experiment reads"),
        get(P, rule="200 deep: the list drops the connection"),
        Step("DELETE", detail_path(), rule="deleting it: 204"),
        get(P, rule="the list once it is deleted"),
        empty_project=True,
    ),
)
