from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.web_experiment_variants import WebExperimentVariants


T = TypeVar("T", bound="WebExperimentPartialUpdate")


@_attrs_define
class WebExperimentPartialUpdate:
    """The body of a partial update (PATCH) request; `variants` is still required.

    Attributes:
        variants (WebExperimentVariants): Variant name → variant, in a request. A `control` variant is required. The
            flag's split
            follows the keys in order and the percentages must sum to exactly 100. Each variant is
            either the conventional typed shape or any object that passes the server's checks. A
            variant that is not an object is no rule of the server: PostHog answers it with a 500
            (a defect), so neither branch takes it.
        name (float | str | Unset): A name, or a number, which the server stores as its string form.
        created_at (datetime.datetime | Unset): Overwrites the creation time. PostHog applies it on PUT and PATCH
            although it is meant
            to be read-only; it is ignored on create.
    """

    variants: WebExperimentVariants
    name: float | str | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        variants = self.variants.to_dict()

        name: float | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "variants": variants,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if created_at is not UNSET:
            field_dict["created_at"] = created_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.web_experiment_variants import WebExperimentVariants  # noqa: PLC0415

        d = dict(src_dict)
        variants = WebExperimentVariants.from_dict(d.pop("variants"))

        def _parse_name(data: object) -> float | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(float | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        web_experiment_partial_update = cls(
            variants=variants,
            name=name,
            created_at=created_at,
        )

        web_experiment_partial_update.additional_properties = d
        return web_experiment_partial_update

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
