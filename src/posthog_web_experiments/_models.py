"""Building the generated models of a list page fast: variants are parsed when first read.

Profiling a page of 100 experiments showed the generated ``from_dict`` spending most of its time
in the variants (``StoredVariants`` → ``StoredVariant`` → transforms, with imports inside every
call), ten times the cost of ``json.loads``. A page is built here with the same top-level
parsing as the generated code (same fields, same ``additional_properties``) and each
experiment's ``variants`` as a ``StoredVariants`` that runs the generated ``from_dict`` on first
use. The two-level shape (an object of objects) is checked at once, so a body the generated code
would refuse is still refused when the page is read; deeper than that every value is accepted
by the spec (``AnyValue``), so the deferred parse cannot fail.
"""

from __future__ import annotations

import datetime
from typing import Any

import httpx
from posthog_web_experiments_client.models import (
    PaginatedWebExperimentList,
    StoredVariant,
    StoredVariants,
    WebExperiment,
)

__all__ = ["LazyStoredVariants", "page_from_json", "parse_page_response"]


class LazyStoredVariants(StoredVariants):
    """``StoredVariants`` whose variants are parsed by the generated code on first access."""

    __slots__ = ("_parsed", "_raw")

    def __init__(self, raw: dict[str, Any]) -> None:
        self._raw: dict[str, Any] | None = raw
        self._parsed: dict[str, StoredVariant] | None = None

    @property
    def additional_properties(self) -> dict[str, StoredVariant]:
        """The variants by name, parsed now if they were not yet."""
        if self._parsed is None:
            raw, self._raw = self._raw, None
            self._parsed = StoredVariants.from_dict(raw or {}).additional_properties
        return self._parsed

    @additional_properties.setter
    def additional_properties(self, value: dict[str, StoredVariant]) -> None:
        self._parsed, self._raw = value, None

    def __eq__(self, other: object) -> bool:
        """Equal to any ``StoredVariants`` with the same variants, parsed or not."""
        if not isinstance(other, StoredVariants):
            return NotImplemented
        return self.additional_properties == other.additional_properties

    __hash__ = None

    def __repr__(self) -> str:
        """Read as the generated class does."""
        return f"StoredVariants(additional_properties={self.additional_properties!r})"


def _variants(raw: Any) -> StoredVariants:
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        # Not an object of objects: let the generated code fail as it always does.
        return StoredVariants.from_dict(raw)
    return LazyStoredVariants(raw)


def experiment_from_json(data: Any) -> WebExperiment:
    """``WebExperiment.from_dict`` with the variants deferred."""
    d = dict(data)
    experiment = WebExperiment(
        id=d.pop("id"),
        name=d.pop("name"),
        created_at=datetime.datetime.fromisoformat(d.pop("created_at")),
        feature_flag_key=d.pop("feature_flag_key"),
        variants=_variants(d.pop("variants")),
    )
    experiment.additional_properties = d
    return experiment


def page_from_json(data: Any) -> PaginatedWebExperimentList:
    """``PaginatedWebExperimentList.from_dict`` with every experiment's variants deferred."""
    d = dict(data)
    page = PaginatedWebExperimentList(
        count=d.pop("count"),
        next_=d.pop("next"),
        previous=d.pop("previous"),
        results=[experiment_from_json(item) for item in d.pop("results")],
    )
    page.additional_properties = d
    return page


def parse_page_response(*, client: object, response: httpx.Response) -> PaginatedWebExperimentList:
    """Parse a 200 list answer like the generated ``_parse_response``, variants deferred."""
    return page_from_json(response.json())
