from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.web_experiment_variants import WebExperimentVariants


T = TypeVar("T", bound="WebExperimentCreate")


@_attrs_define
class WebExperimentCreate:
    """The body of a create request.

    Attributes:
        name (float | str): A name, or a number, which the server stores as its string form.
        variants (WebExperimentVariants): Variant name → variant, in a request. A `control` variant is required. The
            flag's split
            follows the keys in order and the percentages must sum to exactly 100. Each variant is
            either the conventional typed shape or any object that passes the server's checks. A
            variant that is not an object is no rule of the server: PostHog answers it with a 500
            (a defect), so neither branch takes it.
    """

    name: float | str
    variants: WebExperimentVariants
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name: float | str
        name = self.name

        variants = self.variants.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "variants": variants,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.web_experiment_variants import WebExperimentVariants  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_name(data: object) -> float | str:
            return cast(float | str, data)

        name = _parse_name(d.pop("name"))

        variants = WebExperimentVariants.from_dict(d.pop("variants"))

        web_experiment_create = cls(
            name=name,
            variants=variants,
        )

        web_experiment_create.additional_properties = d
        return web_experiment_create

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
