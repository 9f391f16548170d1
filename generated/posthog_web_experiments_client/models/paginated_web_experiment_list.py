from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.web_experiment import WebExperiment


T = TypeVar("T", bound="PaginatedWebExperimentList")


@_attrs_define
class PaginatedWebExperimentList:
    """One page of experiments with absolute links to its neighbours.

    Attributes:
        count (int): Number of experiments across all pages.
        next_ (None | str): Absolute URL of the next page, or null on the last page.
        previous (None | str): Absolute URL of the previous page, or null on the first page.
        results (list[WebExperiment]): The experiments of this page, newest `created_at` first.
    """

    count: int
    next_: None | str
    previous: None | str
    results: list[WebExperiment]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        count = self.count

        next_: None | str
        next_ = self.next_

        previous: None | str
        previous = self.previous

        results = []
        for results_item_data in self.results:
            results_item = results_item_data.to_dict()
            results.append(results_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "count": count,
                "next": next_,
                "previous": previous,
                "results": results,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.web_experiment import WebExperiment  # noqa: PLC0415

        d = dict(src_dict)
        count = d.pop("count")

        def _parse_next_(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_ = _parse_next_(d.pop("next"))

        def _parse_previous(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        previous = _parse_previous(d.pop("previous"))

        results = []
        _results = d.pop("results")
        for results_item_data in _results:
            results_item = WebExperiment.from_dict(results_item_data)

            results.append(results_item)

        paginated_web_experiment_list = cls(
            count=count,
            next_=next_,
            previous=previous,
            results=results,
        )

        paginated_web_experiment_list.additional_properties = d
        return paginated_web_experiment_list

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
