from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AnyControlVariant")


@_attrs_define
class AnyControlVariant:
    """Any control variant the server accepts: it checks `rollout_percentage` only (and the
    script-injection check on transform `text`/`html` strings, not expressed here).

        Attributes:
            rollout_percentage (float): Share of visitors, 0 to 100. Strings and booleans are rejected; the percentages of
                all
                variants must sum to exactly 100.
    """

    rollout_percentage: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
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
        rollout_percentage = d.pop("rollout_percentage")

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
