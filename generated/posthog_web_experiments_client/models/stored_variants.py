from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.stored_variant import StoredVariant


T = TypeVar("T", bound="StoredVariants")


@_attrs_define
class StoredVariants:
    """Variant name → variant, as the server returns it: rebuilt from the feature flag's split,
    in split order, each variant `rollout_percentage` first and then every other key exactly
    as stored. A variant named with the empty string is stored (its share counts in the
    split) but never returned. Nothing about the variants is guaranteed beyond that:
    experiments made by the UI, the toolbar, older servers or any client can hold any keys
    and values, and a flag edited elsewhere can even drop `control`.

    """

    additional_properties: dict[str, StoredVariant] = _attrs_field(
        init=False, factory=dict
    )

    def to_dict(self) -> dict[str, Any]:

        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            field_dict[prop_name] = prop.to_dict()

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.stored_variant import StoredVariant  # noqa: PLC0415

        d = dict(src_dict)
        stored_variants = cls()

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional_property = StoredVariant.from_dict(prop_dict)

            additional_properties[prop_name] = additional_property

        stored_variants.additional_properties = additional_properties
        return stored_variants

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> StoredVariant:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: StoredVariant) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
