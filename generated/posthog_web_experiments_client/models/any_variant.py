from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.any_selected_transform import AnySelectedTransform
    from ..models.empty_transforms import EmptyTransforms


T = TypeVar("T", bound="AnyVariant")


@_attrs_define
class AnyVariant:
    """Any test variant the server accepts with a 2xx: a non-null `rollout_percentage`, and
    `transforms`, when present, a list of objects with a non-null `selector` (an empty
    object or empty string counts as no transforms). Newer PostHog also runs its
    script-injection check on each transform's `text` and `html` strings (see SafeContent;
    not expressible here). A transform that is not an object, or `transforms` PostHog cannot
    iterate (null, a number, a non-empty string or object), make PostHog answer 500, a
    defect rather than a rule. Everything else is stored as sent.

        Attributes:
            rollout_percentage (bool | float): Any share the server accepts: any number, or a boolean, which PostHog's sum
                counts as
                1 or 0. PostHog checks only that the value is present and not null (400 otherwise) and
                that the percentages of all variants sum to exactly 100; no range is checked, so 150
                and -50 are stored. A string, array or object makes PostHog's sum raise: a 500, a
                defect rather than a rule.
            transforms (EmptyTransforms | list[AnySelectedTransform] | str | Unset): A list of transforms; `{}` and `""` are
                accepted as an empty list.
    """

    rollout_percentage: bool | float
    transforms: EmptyTransforms | list[AnySelectedTransform] | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.empty_transforms import EmptyTransforms  # noqa: PLC0415

        rollout_percentage: bool | float
        rollout_percentage = self.rollout_percentage

        transforms: dict[str, Any] | list[dict[str, Any]] | str | Unset
        if isinstance(self.transforms, Unset):
            transforms = UNSET
        elif isinstance(self.transforms, list):
            transforms = []
            for transforms_type_0_item_data in self.transforms:
                transforms_type_0_item = transforms_type_0_item_data.to_dict()
                transforms.append(transforms_type_0_item)

        elif isinstance(self.transforms, EmptyTransforms):
            transforms = self.transforms.to_dict()
        else:
            transforms = self.transforms

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "rollout_percentage": rollout_percentage,
            }
        )
        if transforms is not UNSET:
            field_dict["transforms"] = transforms

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.any_selected_transform import AnySelectedTransform  # noqa: PLC0415
        from ..models.empty_transforms import EmptyTransforms  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_rollout_percentage(data: object) -> bool | float:
            return cast(bool | float, data)

        rollout_percentage = _parse_rollout_percentage(d.pop("rollout_percentage"))

        def _parse_transforms(
            data: object,
        ) -> EmptyTransforms | list[AnySelectedTransform] | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                transforms_type_0 = []
                _transforms_type_0 = data
                for transforms_type_0_item_data in _transforms_type_0:
                    transforms_type_0_item = AnySelectedTransform.from_dict(
                        transforms_type_0_item_data
                    )

                    transforms_type_0.append(transforms_type_0_item)

                return transforms_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                transforms_type_1 = EmptyTransforms.from_dict(data)

                return transforms_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                EmptyTransforms | list[AnySelectedTransform] | str | Unset, data
            )

        transforms = _parse_transforms(d.pop("transforms", UNSET))

        any_variant = cls(
            rollout_percentage=rollout_percentage,
            transforms=transforms,
        )

        any_variant.additional_properties = d
        return any_variant

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
