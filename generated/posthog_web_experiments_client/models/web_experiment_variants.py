from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.any_control_variant import AnyControlVariant
    from ..models.any_variant import AnyVariant
    from ..models.control_variant import ControlVariant
    from ..models.variant import Variant


T = TypeVar("T", bound="WebExperimentVariants")


@_attrs_define
class WebExperimentVariants:
    """Variant name → variant, in a request. A `control` variant is required. The flag's split
    follows the keys in order and the percentages must sum to exactly 100. Each variant is
    either the conventional typed shape or any object that passes the server's checks. A
    variant that is not an object is no rule of the server: PostHog answers it with a 500
    (a defect), so neither branch takes it.

        Attributes:
            control (AnyControlVariant | ControlVariant):
    """

    control: AnyControlVariant | ControlVariant
    additional_properties: dict[str, AnyVariant | Variant] = _attrs_field(
        init=False, factory=dict
    )

    def to_dict(self) -> dict[str, Any]:
        from ..models.control_variant import ControlVariant  # noqa: PLC0415
        from ..models.variant import Variant  # noqa: PLC0415

        control: dict[str, Any]
        if isinstance(self.control, ControlVariant):
            control = self.control.to_dict()
        else:
            control = self.control.to_dict()

        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            if isinstance(prop, Variant):
                field_dict[prop_name] = prop.to_dict()
            else:
                field_dict[prop_name] = prop.to_dict()

        field_dict.update(
            {
                "control": control,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.any_control_variant import AnyControlVariant  # noqa: PLC0415
        from ..models.any_variant import AnyVariant  # noqa: PLC0415
        from ..models.control_variant import ControlVariant  # noqa: PLC0415
        from ..models.variant import Variant  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_control(data: object) -> AnyControlVariant | ControlVariant:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                control_type_0 = ControlVariant.from_dict(data)

                return control_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            control_type_1 = AnyControlVariant.from_dict(data)

            return control_type_1

        control = _parse_control(d.pop("control"))

        web_experiment_variants = cls(
            control=control,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():

            def _parse_additional_property(data: object) -> AnyVariant | Variant:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    additional_property_type_0 = Variant.from_dict(data)

                    return additional_property_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, dict):
                    raise TypeError()
                additional_property_type_1 = AnyVariant.from_dict(data)

                return additional_property_type_1

            additional_property = _parse_additional_property(prop_dict)

            additional_properties[prop_name] = additional_property

        web_experiment_variants.additional_properties = additional_properties
        return web_experiment_variants

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> AnyVariant | Variant:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: AnyVariant | Variant) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
