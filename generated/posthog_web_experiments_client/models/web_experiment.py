from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.stored_variants import StoredVariants


T = TypeVar("T", bound="WebExperiment")


@_attrs_define
class WebExperiment:
    """A web experiment as the server returns it.

    Attributes:
        id (int): Unique id, shared with product experiments.
        name (str): The experiment's name, trimmed of surrounding whitespace.
        created_at (datetime.datetime): When the experiment was created, in UTC with `Z`; microseconds are present when
            non-zero (always for experiments created through the API).
        feature_flag_key (str): Key of the experiment's feature flag, derived from the name at creation and never
            changed afterwards.
        variants (StoredVariants): Variant name → variant, as the server returns it: rebuilt from the feature flag's
            split,
            in split order, each variant `rollout_percentage` first and then every other key exactly
            as stored. A variant named with the empty string is stored (its share counts in the
            split) but never returned. Nothing about the variants is guaranteed beyond that:
            experiments made by the UI, the toolbar, older servers or any client can hold any keys
            and values, and a flag edited elsewhere can even drop `control`.
    """

    id: int
    name: str
    created_at: datetime.datetime
    feature_flag_key: str
    variants: StoredVariants
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        created_at = self.created_at.isoformat()

        feature_flag_key = self.feature_flag_key

        variants = self.variants.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "created_at": created_at,
                "feature_flag_key": feature_flag_key,
                "variants": variants,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.stored_variants import StoredVariants  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        feature_flag_key = d.pop("feature_flag_key")

        variants = StoredVariants.from_dict(d.pop("variants"))

        web_experiment = cls(
            id=id,
            name=name,
            created_at=created_at,
            feature_flag_key=feature_flag_key,
            variants=variants,
        )

        web_experiment.additional_properties = d
        return web_experiment

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
