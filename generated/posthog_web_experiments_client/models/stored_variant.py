from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.stored_conditions import StoredConditions
    from ..models.stored_transform import StoredTransform


T = TypeVar("T", bound="StoredVariant")


@_attrs_define
class StoredVariant:
    """A variant as stored. The conventional keys are typed by their usual shape and accept
    anything the server stored; unknown keys are kept as additional properties.

        Attributes:
            rollout_percentage (Any | float): Share of visitors from the flag's split; a number (any, 150 and -50 too) or a
                boolean.
            transforms (Any | list[Any | StoredTransform] | Unset): Page changes, usually a list of transforms.
            conditions (Any | StoredConditions | Unset): Where the variant applies, usually an object or null.
            variant_name (Any | str | Unset): Display name the toolbar shows, usually a string.
            is_new (Any | bool | Unset): Toolbar bookkeeping, usually a boolean.
    """

    rollout_percentage: Any | float
    transforms: Any | list[Any | StoredTransform] | Unset = UNSET
    conditions: Any | StoredConditions | Unset = UNSET
    variant_name: Any | str | Unset = UNSET
    is_new: Any | bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.stored_conditions import StoredConditions  # noqa: PLC0415
        from ..models.stored_transform import StoredTransform  # noqa: PLC0415

        rollout_percentage: Any | float
        rollout_percentage = self.rollout_percentage

        transforms: Any | list[Any | dict[str, Any]] | Unset
        if isinstance(self.transforms, Unset):
            transforms = UNSET
        elif isinstance(self.transforms, list):
            transforms = []
            for transforms_type_0_item_data in self.transforms:
                transforms_type_0_item: Any | dict[str, Any]
                if isinstance(transforms_type_0_item_data, StoredTransform):
                    transforms_type_0_item = transforms_type_0_item_data.to_dict()
                else:
                    transforms_type_0_item = transforms_type_0_item_data
                transforms.append(transforms_type_0_item)

        else:
            transforms = self.transforms

        conditions: Any | dict[str, Any] | Unset
        if isinstance(self.conditions, Unset):
            conditions = UNSET
        elif isinstance(self.conditions, StoredConditions):
            conditions = self.conditions.to_dict()
        else:
            conditions = self.conditions

        variant_name: Any | str | Unset
        if isinstance(self.variant_name, Unset):
            variant_name = UNSET
        else:
            variant_name = self.variant_name

        is_new: Any | bool | Unset
        if isinstance(self.is_new, Unset):
            is_new = UNSET
        else:
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
        from ..models.stored_conditions import StoredConditions  # noqa: PLC0415
        from ..models.stored_transform import StoredTransform  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_rollout_percentage(data: object) -> Any | float:
            return cast(Any | float, data)

        rollout_percentage = _parse_rollout_percentage(d.pop("rollout_percentage"))

        def _parse_transforms(
            data: object,
        ) -> Any | list[Any | StoredTransform] | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                transforms_type_0 = []
                _transforms_type_0 = data
                for transforms_type_0_item_data in _transforms_type_0:

                    def _parse_transforms_type_0_item(
                        data: object,
                    ) -> Any | StoredTransform:
                        try:
                            if not isinstance(data, dict):
                                raise TypeError()
                            transforms_type_0_item_type_0 = StoredTransform.from_dict(
                                data
                            )

                            return transforms_type_0_item_type_0
                        except (TypeError, ValueError, AttributeError, KeyError):
                            pass
                        return cast(Any | StoredTransform, data)

                    transforms_type_0_item = _parse_transforms_type_0_item(
                        transforms_type_0_item_data
                    )

                    transforms_type_0.append(transforms_type_0_item)

                return transforms_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Any | list[Any | StoredTransform] | Unset, data)

        transforms = _parse_transforms(d.pop("transforms", UNSET))

        def _parse_conditions(data: object) -> Any | StoredConditions | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                conditions_type_0 = StoredConditions.from_dict(data)

                return conditions_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Any | StoredConditions | Unset, data)

        conditions = _parse_conditions(d.pop("conditions", UNSET))

        def _parse_variant_name(data: object) -> Any | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(Any | str | Unset, data)

        variant_name = _parse_variant_name(d.pop("variant_name", UNSET))

        def _parse_is_new(data: object) -> Any | bool | Unset:
            if isinstance(data, Unset):
                return data
            return cast(Any | bool | Unset, data)

        is_new = _parse_is_new(d.pop("is_new", UNSET))

        stored_variant = cls(
            rollout_percentage=rollout_percentage,
            transforms=transforms,
            conditions=conditions,
            variant_name=variant_name,
            is_new=is_new,
        )

        stored_variant.additional_properties = d
        return stored_variant

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
