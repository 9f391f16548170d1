from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.stored_transform_attribute import StoredTransformAttribute


T = TypeVar("T", bound="StoredTransform")


@_attrs_define
class StoredTransform:
    """A transform as stored; each conventional key is usually a string.

    Attributes:
        selector (Any | str | Unset): CSS selector of the element to change.
        text (Any | str | Unset): Replacement text.
        html (Any | str | Unset): Replacement HTML.
        img_url (Any | str | Unset): Replacement image URL.
        css (Any | str | Unset): Inline CSS to apply.
        attributes (Any | list[Any | StoredTransformAttribute] | Unset): Attributes to set, usually a list of `{name,
            value}`.
    """

    selector: Any | str | Unset = UNSET
    text: Any | str | Unset = UNSET
    html: Any | str | Unset = UNSET
    img_url: Any | str | Unset = UNSET
    css: Any | str | Unset = UNSET
    attributes: Any | list[Any | StoredTransformAttribute] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.stored_transform_attribute import StoredTransformAttribute  # noqa: PLC0415

        selector: Any | str | Unset
        if isinstance(self.selector, Unset):
            selector = UNSET
        else:
            selector = self.selector

        text: Any | str | Unset
        if isinstance(self.text, Unset):
            text = UNSET
        else:
            text = self.text

        html: Any | str | Unset
        if isinstance(self.html, Unset):
            html = UNSET
        else:
            html = self.html

        img_url: Any | str | Unset
        if isinstance(self.img_url, Unset):
            img_url = UNSET
        else:
            img_url = self.img_url

        css: Any | str | Unset
        if isinstance(self.css, Unset):
            css = UNSET
        else:
            css = self.css

        attributes: Any | list[Any | dict[str, Any]] | Unset
        if isinstance(self.attributes, Unset):
            attributes = UNSET
        elif isinstance(self.attributes, list):
            attributes = []
            for attributes_type_0_item_data in self.attributes:
                attributes_type_0_item: Any | dict[str, Any]
                if isinstance(attributes_type_0_item_data, StoredTransformAttribute):
                    attributes_type_0_item = attributes_type_0_item_data.to_dict()
                else:
                    attributes_type_0_item = attributes_type_0_item_data
                attributes.append(attributes_type_0_item)

        else:
            attributes = self.attributes

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
        from ..models.stored_transform_attribute import StoredTransformAttribute  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_selector(data: object) -> Any | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(Any | str | Unset, data)

        selector = _parse_selector(d.pop("selector", UNSET))

        def _parse_text(data: object) -> Any | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(Any | str | Unset, data)

        text = _parse_text(d.pop("text", UNSET))

        def _parse_html(data: object) -> Any | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(Any | str | Unset, data)

        html = _parse_html(d.pop("html", UNSET))

        def _parse_img_url(data: object) -> Any | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(Any | str | Unset, data)

        img_url = _parse_img_url(d.pop("imgUrl", UNSET))

        def _parse_css(data: object) -> Any | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(Any | str | Unset, data)

        css = _parse_css(d.pop("css", UNSET))

        def _parse_attributes(
            data: object,
        ) -> Any | list[Any | StoredTransformAttribute] | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                attributes_type_0 = []
                _attributes_type_0 = data
                for attributes_type_0_item_data in _attributes_type_0:

                    def _parse_attributes_type_0_item(
                        data: object,
                    ) -> Any | StoredTransformAttribute:
                        try:
                            if not isinstance(data, dict):
                                raise TypeError()
                            attributes_type_0_item_type_0 = (
                                StoredTransformAttribute.from_dict(data)
                            )

                            return attributes_type_0_item_type_0
                        except (TypeError, ValueError, AttributeError, KeyError):
                            pass
                        return cast(Any | StoredTransformAttribute, data)

                    attributes_type_0_item = _parse_attributes_type_0_item(
                        attributes_type_0_item_data
                    )

                    attributes_type_0.append(attributes_type_0_item)

                return attributes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Any | list[Any | StoredTransformAttribute] | Unset, data)

        attributes = _parse_attributes(d.pop("attributes", UNSET))

        stored_transform = cls(
            selector=selector,
            text=text,
            html=html,
            img_url=img_url,
            css=css,
            attributes=attributes,
        )

        stored_transform.additional_properties = d
        return stored_transform

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
