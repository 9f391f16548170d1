from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.control_variant import ControlVariant
    from ..models.variant import Variant


T = TypeVar("T", bound="WebExperimentVariants")


@_attrs_define
class WebExperimentVariants:
    """Variant name → variant. A `control` variant is required. The flag's split follows the
    keys in order and the percentages must sum to exactly 100. Responses rebuild the
    variants from the flag split, `rollout_percentage` first, other keys as sent.

        Attributes:
            control (ControlVariant): The control variant. Its transforms need no selector. The server validates only
                `rollout_percentage` and the script-injection check on transform `text`/`html`; the
                other keys are typed here by their conventional use and stored as sent.
    """

    control: ControlVariant
    additional_properties: dict[str, Variant] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        control = self.control.to_dict()

        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            field_dict[prop_name] = prop.to_dict()

        field_dict.update(
            {
                "control": control,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.control_variant import ControlVariant  # noqa: PLC0415
        from ..models.variant import Variant  # noqa: PLC0415

        d = dict(src_dict)
        control = ControlVariant.from_dict(d.pop("control"))

        web_experiment_variants = cls(
            control=control,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional_property = Variant.from_dict(prop_dict)

            additional_properties[prop_name] = additional_property

        web_experiment_variants.additional_properties = additional_properties
        return web_experiment_variants

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Variant:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Variant) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
