from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.transform import Transform
    from ..models.variant_conditions import VariantConditions


T = TypeVar("T", bound="Variant")


@_attrs_define
class Variant:
    """A test variant with its conventional keys typed, as SDKs should write it. Every
    transform needs a `selector`. The server checks only what AnyVariant says and stores
    every other key and value as sent.

        Attributes:
            rollout_percentage (float): Share of visitors, 0 to 100, as SDKs should write it; the percentages of all
                variants
                must sum to exactly 100. The server checks less (AnyRolloutPercentage): the range here
                is a convention of the typed shapes, not a rule of the server.
            transforms (list[Transform] | Unset): Page changes applied for this variant.
            conditions (None | Unset | VariantConditions): Where the variant applies; `null` means everywhere.
            variant_name (str | Unset): Display name the toolbar shows.
            is_new (bool | Unset): Toolbar bookkeeping; stored verbatim.
    """

    rollout_percentage: float
    transforms: list[Transform] | Unset = UNSET
    conditions: None | Unset | VariantConditions = UNSET
    variant_name: str | Unset = UNSET
    is_new: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.variant_conditions import VariantConditions  # noqa: PLC0415

        rollout_percentage = self.rollout_percentage

        transforms: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.transforms, Unset):
            transforms = []
            for transforms_item_data in self.transforms:
                transforms_item = transforms_item_data.to_dict()
                transforms.append(transforms_item)

        conditions: dict[str, Any] | None | Unset
        if isinstance(self.conditions, Unset):
            conditions = UNSET
        elif isinstance(self.conditions, VariantConditions):
            conditions = self.conditions.to_dict()
        else:
            conditions = self.conditions

        variant_name = self.variant_name

        is_new = self.is_new

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "rollout_percentage": rollout_percentage,
            }
        )
        if transforms is not UNSET:
            field_dict["transforms"] = transforms
        if conditions is not UNSET:
            field_dict["conditions"] = conditions
        if variant_name is not UNSET:
            field_dict["variant_name"] = variant_name
        if is_new is not UNSET:
            field_dict["is_new"] = is_new

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.transform import Transform  # noqa: PLC0415
        from ..models.variant_conditions import VariantConditions  # noqa: PLC0415

        d = dict(src_dict)
        rollout_percentage = d.pop("rollout_percentage")

        _transforms = d.pop("transforms", UNSET)
        transforms: list[Transform] | Unset = UNSET
        if _transforms is not UNSET:
            transforms = []
            for transforms_item_data in _transforms:
                transforms_item = Transform.from_dict(transforms_item_data)

                transforms.append(transforms_item)

        def _parse_conditions(data: object) -> None | Unset | VariantConditions:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_variant_conditions_type_0 = (
                    VariantConditions.from_dict(data)
                )

                return componentsschemas_variant_conditions_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | VariantConditions, data)

        conditions = _parse_conditions(d.pop("conditions", UNSET))

        variant_name = d.pop("variant_name", UNSET)

        is_new = d.pop("is_new", UNSET)

        variant = cls(
            rollout_percentage=rollout_percentage,
            transforms=transforms,
            conditions=conditions,
            variant_name=variant_name,
            is_new=is_new,
        )

        variant.additional_properties = d
        return variant

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
