"""List pages built fast (variants parsed on first read) equal what the generated code builds."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from posthog_web_experiments_client.models import PaginatedWebExperimentList, StoredVariants

from posthog_web_experiments._models import LazyStoredVariants, page_from_json
from posthog_web_experiments._strict import check_strict

from .fault_server import STD_EXPERIMENT
from .test_stored_shapes import STORED


def page_of(variants: list[Any], **extra: Any) -> dict[str, Any]:
    results = [
        {**STD_EXPERIMENT, "id": index, "variants": value} for index, value in enumerate(variants)
    ]
    return {"count": len(results), "next": None, "previous": None, "results": results, **extra}


@pytest.mark.parametrize("shape", sorted(STORED))
def test_fast_page_equals_the_generated_one_for_every_recorded_shape(shape: str) -> None:
    data = page_of([STORED[shape]])

    fast = page_from_json(copy.deepcopy(data))
    generated = PaginatedWebExperimentList.from_dict(copy.deepcopy(data))

    assert fast == generated
    assert generated == fast
    assert fast.to_dict() == generated.to_dict()
    assert repr(fast) == repr(generated)


def test_variants_are_parsed_on_first_read_only() -> None:
    page = page_from_json(page_of([{"control": {"rollout_percentage": 100}}]))
    variants = page.results[0].variants

    assert isinstance(variants, StoredVariants)
    assert isinstance(variants, LazyStoredVariants)
    before_reading = variants._parsed
    assert variants["control"].rollout_percentage == 100
    assert (before_reading, type(variants._parsed)) == (None, dict)
    assert variants.additional_keys == ["control"]


def test_extra_fields_are_kept_like_the_generated_code() -> None:
    data = page_of([{"control": {"rollout_percentage": 100}}], total=1)
    data["results"][0]["archived"] = False

    page = page_from_json(data)

    assert page.additional_properties == {"total": 1}
    assert page.results[0].additional_properties == {"archived": False}


@pytest.mark.parametrize(
    "variants",
    [
        pytest.param(["control"], id="a-list"),
        pytest.param({"control": 100}, id="a-variant-not-an-object"),
    ],
)
def test_variants_the_generated_code_refuses_are_refused_at_once(variants: Any) -> None:
    data = page_of([variants])

    with pytest.raises((AttributeError, TypeError, ValueError)) as generated:
        PaginatedWebExperimentList.from_dict(copy.deepcopy(data))
    with pytest.raises(generated.type):
        page_from_json(data)


def test_variants_can_be_replaced() -> None:
    page = page_from_json(page_of([{"control": {"rollout_percentage": 100}}]))
    variants = page.results[0].variants

    variants.additional_properties = {}

    assert variants.to_dict() == {}


def test_strict_reading_walks_deferred_variants() -> None:
    page = page_from_json(page_of([{"control": {"rollout_percentage": 50, "x": [1]}}]))

    check_strict(page, response=None)  # type: ignore[arg-type]
