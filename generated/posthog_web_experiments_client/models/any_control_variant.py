from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AnyControlVariant")


@_attrs_define
class AnyControlVariant:
    """Any control variant the server accepts: it checks only that `rollout_percentage` is
    present and not null. Its transforms are never looked at (not even by newer PostHog's
    script-injection check), so every other key and value is stored as sent.

        Attributes:
            rollout_percentage (bool | float): Any share the server accepts: any number, or a boolean, which PostHog's sum
                counts as
                1 or 0. PostHog checks only that the value is present and not null (400 otherwise) and
                that the percentages of all variants sum to exactly 100; no range is checked, so 150
                and -50 are stored. A string, array or object makes PostHog's sum raise: a 500, a
                defect rather than a rule.
    """

    rollout_percentage: bool | float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        rollout_percentage: bool | float
        rollout_percentage = self.rollout_percentage

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "rollout_percentage": rollout_percentage,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_rollout_percentage(data: object) -> bool | float:
            return cast(bool | float, data)

        rollout_percentage = _parse_rollout_percentage(d.pop("rollout_percentage"))

        any_control_variant = cls(
            rollout_percentage=rollout_percentage,
        )

        any_control_variant.additional_properties = d
        return any_control_variant

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
