from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.transform_attribute import TransformAttribute


T = TypeVar("T", bound="ControlTransform")


@_attrs_define
class ControlTransform:
    """A page change of the control variant; `selector` is optional here.

    Attributes:
        selector (str | Unset): CSS selector of the element to change.
        text (str | Unset): Replacement text or HTML, stored byte for byte. In a transform of a test variant, newer
            PostHog (PR #47791, February 2026) rejects it when it contains a script tag (an opening
            one, or a lone closing one), an inline event-handler attribute (whitespace, then `on`, a
            word and `=`), a `javascript:` URL, a `data:text/html` URL, or an iframe, object or
            embed tag (its script-injection check); the recorded August 2025 server stores them.
            Control transforms are never checked.
        html (str | Unset): Replacement text or HTML, stored byte for byte. In a transform of a test variant, newer
            PostHog (PR #47791, February 2026) rejects it when it contains a script tag (an opening
            one, or a lone closing one), an inline event-handler attribute (whitespace, then `on`, a
            word and `=`), a `javascript:` URL, a `data:text/html` URL, or an iframe, object or
            embed tag (its script-injection check); the recorded August 2025 server stores them.
            Control transforms are never checked.
        img_url (str | Unset): Replacement image URL.
        css (str | Unset): Inline CSS to apply.
        attributes (list[TransformAttribute] | Unset): Attributes to set on the element.
    """

    selector: str | Unset = UNSET
    text: str | Unset = UNSET
    html: str | Unset = UNSET
    img_url: str | Unset = UNSET
    css: str | Unset = UNSET
    attributes: list[TransformAttribute] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        selector = self.selector

        text = self.text

        html = self.html

        img_url = self.img_url

        css = self.css

        attributes: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.attributes, Unset):
            attributes = []
            for attributes_item_data in self.attributes:
                attributes_item = attributes_item_data.to_dict()
                attributes.append(attributes_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if selector is not UNSET:
            field_dict["selector"] = selector
        if text is not UNSET:
            field_dict["text"] = text
        if html is not UNSET:
            field_dict["html"] = html
        if img_url is not UNSET:
            field_dict["imgUrl"] = img_url
        if css is not UNSET:
            field_dict["css"] = css
        if attributes is not UNSET:
            field_dict["attributes"] = attributes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.transform_attribute import TransformAttribute  # noqa: PLC0415

        d = dict(src_dict)
        selector = d.pop("selector", UNSET)

        text = d.pop("text", UNSET)

        html = d.pop("html", UNSET)

        img_url = d.pop("imgUrl", UNSET)

        css = d.pop("css", UNSET)

        _attributes = d.pop("attributes", UNSET)
        attributes: list[TransformAttribute] | Unset = UNSET
        if _attributes is not UNSET:
            attributes = []
            for attributes_item_data in _attributes:
                attributes_item = TransformAttribute.from_dict(attributes_item_data)

                attributes.append(attributes_item)

        control_transform = cls(
            selector=selector,
            text=text,
            html=html,
            img_url=img_url,
            css=css,
            attributes=attributes,
        )

        control_transform.additional_properties = d
        return control_transform

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
