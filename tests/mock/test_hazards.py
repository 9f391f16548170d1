"""The read-breaking value classes: what breaks, where it sits, and what the live suite sends."""

from __future__ import annotations

import orjson
import pytest

from live_road.bodies import body_findings
from posthog_mock import hazards
from posthog_mock.representation import ORJSON_SAFE_NESTING, to_json


def _nested_objects(depth: int) -> object:
    value: object = 1
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.mark.parametrize(
    ("value", "breaks"),
    [
        pytest.param(2**64 - 1, False, id="u64-max-renders"),
        pytest.param(2**64, True, id="beyond-u64"),
        pytest.param(-(2**63), False, id="i64-min-renders"),
        pytest.param(-(2**63) - 1, True, id="below-i64"),
        pytest.param(1e19, False, id="float-read-as-int-in-range"),
        pytest.param(1.8446744073709552e19, True, id="float-read-as-2**64"),
        pytest.param(1e20, True, id="1e20"),
        pytest.param(-9.3e18, True, id="negative-float-below-i64"),
        pytest.param(1e308, True, id="1e308"),
        pytest.param(1.5, False, id="plain-float"),
        pytest.param(float("inf"), False, id="infinity-refused-before-storing"),
        pytest.param(True, False, id="bool-is-no-number"),
        pytest.param("1e20", False, id="string"),
    ],
)
def test_number_breaks_reads_matches_the_measured_range(value: object, breaks: bool) -> None:
    assert hazards.number_breaks_reads(value) is breaks


@pytest.mark.parametrize(
    ("value", "read"),
    [
        pytest.param(-0.0, 0.0, id="negative-zero"),
        pytest.param(1e16, 10**16, id="exponent-form-becomes-int"),
        pytest.param(123.0, 123.0, id="no-exponent-stays-float"),
        pytest.param(1e-7, 1e-7, id="negative-exponent-stays-float"),
        pytest.param(7, 7, id="int"),
    ],
)
def test_read_back_number_is_what_jsonb_returns(value: float, read: float) -> None:
    result = hazards.read_back_number(value)
    assert result == read
    assert type(result) is type(read)
    assert str(result) == str(read)


def test_read_breaking_names_every_number_with_its_path() -> None:
    variants = {"control": {"rollout_percentage": 100, "x": [1, 1e20]}, "t": {"y": -(2**70)}}
    found = hazards.read_breaking(variants)
    assert sorted(f.path for f in found) == ["$.control.x[1]", "$.t.y"]
    assert {f.hazard.name for f in found} == {"number_beyond_64_bits"}


@pytest.mark.parametrize(
    ("x_depth", "breaks"),
    [pytest.param(131, False, id="133-deep-reads-fine"), pytest.param(132, True, id="134-deep")],
)
def test_read_breaking_finds_objects_nested_too_deep(x_depth: int, breaks: bool) -> None:
    variants = {"control": {"rollout_percentage": 100, "x": _nested_objects(x_depth)}}
    assert hazards.object_depth(variants) == x_depth + 2
    found = [f.hazard.name for f in hazards.read_breaking(variants)]
    assert ("nesting_too_deep" in found) is breaks


def _mixed(pattern: str, depth: int) -> object:
    """Nest `depth` containers cycling `pattern` (`o` object, `a` array), outermost first."""
    value: object = 1
    for level in reversed(range(depth)):
        value = {"a": value} if pattern[level % len(pattern)] == "o" else [value]
    return value


def test_arrays_alone_stay_below_every_boundary() -> None:
    variants = {"control": {"rollout_percentage": 100, "x": _mixed("a", 248)}}

    assert hazards.object_depth(variants) == 2 + 248 * hazards.ARRAY_WEIGHT
    assert hazards.read_breaking(variants) == []
    assert not hazards.drops_list(variants)


@pytest.mark.parametrize(
    ("depth", "refused"),
    [
        pytest.param(160, False, id="160-read-back"),
        pytest.param(174, False, id="174-below-the-margin"),
        pytest.param(176, True, id="176-refused"),
        pytest.param(190, True, id="190-read-back-but-refused"),
        pytest.param(200, True, id="200-dropped-every-answer"),
    ],
)
def test_mixed_nesting_is_refused_below_every_measured_drop(depth: int, refused: bool) -> None:
    variants = {"control": {"rollout_percentage": 100, "x": _mixed("oa", depth)}}

    found = [f.hazard.name for f in hazards.read_breaking(variants)]

    assert ("nesting_too_deep" in found) is refused


@pytest.mark.parametrize(
    ("depth", "list_drops"),
    [pytest.param(190, False, id="190-lists"), pytest.param(200, True, id="200-drops-the-list")],
)
def test_mock_reproduces_the_list_boundary_for_mixed_nesting(depth: int, list_drops: bool) -> None:
    variants = {"control": {"rollout_percentage": 100, "x": _mixed("oa", depth)}}

    assert hazards.drops_list(variants) is list_drops
    assert not hazards.drops_retrieve(variants)


@pytest.mark.parametrize("pattern", ["oa", "aao", "ooa", "o", "a"])
def test_make_safe_leaves_no_mixed_nesting_hazard(pattern: str) -> None:
    body = {"name": "x", "variants": {"control": {"x": _mixed(pattern, 400)}}}

    safe = hazards.make_safe(body)

    assert hazards.is_safe(safe)
    assert hazards.read_breaking(safe["variants"]) == []
    assert body_findings(safe) == []


def test_guard_refuses_mixed_nesting_that_breaks_reads() -> None:
    breaking = {"variants": {"control": {"x": _mixed("oa", 200)}}}
    reading = {"variants": {"control": {"x": _mixed("oa", 160)}}}

    assert [c.name for c, _ in body_findings(breaking)] == ["nesting_too_deep"]
    assert body_findings(reading) == []


def test_make_safe_clamps_numbers_and_cuts_depth() -> None:
    unsafe = {"a": [2**64, -(2**70), 1e20, 1.5, True], "deep": _nested_objects(60)}
    safe = hazards.make_safe(unsafe)
    assert safe["a"] == [2**63 - 1, -(2**63), 2**63 - 1, 1.5, True]
    assert hazards.is_safe(safe)
    assert hazards.nesting_depth(safe) == hazards.SAFE_DEPTH
    assert not hazards.is_safe(unsafe)
    assert hazards.make_safe({"ok": [1, {"b": 2.5}]}) == {"ok": [1, {"b": 2.5}]}


@pytest.mark.parametrize(
    "value",
    [
        pytest.param({"a": [1, 2.5, -0.0, 1e16, 1e-7, None, True, {"b": {}}]}, id="mixed"),
        pytest.param({"k": 'quote " and \u2028 and é', "": []}, id="escapes"),
        pytest.param([[[]], {}], id="empty-containers"),
        pytest.param(_nested_objects(60), id="deeper-than-orjson-safe"),
    ],
)
def test_deep_documents_are_written_with_orjson_bytes(value: object) -> None:
    assert to_json(value, ORJSON_SAFE_NESTING + 1) == orjson.dumps(value).decode()


def test_deep_documents_refuse_integers_beyond_64_bits_like_orjson() -> None:
    with pytest.raises(TypeError, match="64-bit"):
        to_json({"a": [2**70]}, ORJSON_SAFE_NESTING + 1)
