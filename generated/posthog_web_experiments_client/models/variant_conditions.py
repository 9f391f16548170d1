from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.url_match_type import UrlMatchType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.utm_conditions import UtmConditions


T = TypeVar("T", bound="VariantConditions")


@_attrs_define
class VariantConditions:
    """Where the variant applies; `null` means everywhere.

    Attributes:
        url (str | Unset): URL (or pattern) the page must match.
        url_match_type (UrlMatchType | Unset): How `url` is compared with the page URL.
        utm (UtmConditions | Unset): UTM parameters the page URL must carry.
    """

    url: str | Unset = UNSET
    url_match_type: UrlMatchType | Unset = UNSET
    utm: UtmConditions | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        url_match_type: str | Unset = UNSET
        if not isinstance(self.url_match_type, Unset):
            url_match_type = self.url_match_type.value

        utm: dict[str, Any] | Unset = UNSET
        if not isinstance(self.utm, Unset):
            utm = self.utm.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if url is not UNSET:
            field_dict["url"] = url
        if url_match_type is not UNSET:
            field_dict["urlMatchType"] = url_match_type
        if utm is not UNSET:
            field_dict["utm"] = utm

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.utm_conditions import UtmConditions  # noqa: PLC0415

        d = dict(src_dict)
        url = d.pop("url", UNSET)

        _url_match_type = d.pop("urlMatchType", UNSET)
        url_match_type: UrlMatchType | Unset
        if isinstance(_url_match_type, Unset):
            url_match_type = UNSET
        else:
            url_match_type = UrlMatchType(_url_match_type)

        _utm = d.pop("utm", UNSET)
        utm: UtmConditions | Unset
        if isinstance(_utm, Unset):
            utm = UNSET
        else:
            utm = UtmConditions.from_dict(_utm)

        variant_conditions = cls(
            url=url,
            url_match_type=url_match_type,
            utm=utm,
        )

        variant_conditions.additional_properties = d
        return variant_conditions

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
