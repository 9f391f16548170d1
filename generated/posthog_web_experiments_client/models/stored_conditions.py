from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.url_match_type import UrlMatchType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.stored_utm_conditions import StoredUtmConditions


T = TypeVar("T", bound="StoredConditions")


@_attrs_define
class StoredConditions:
    """Where the variant applies, as stored.

    Attributes:
        url (Any | str | Unset): URL (or pattern) the page must match.
        url_match_type (Any | Unset | UrlMatchType): How `url` is compared with the page URL.
        utm (Any | StoredUtmConditions | Unset): UTM parameters the page URL must carry, usually an object of strings.
    """

    url: Any | str | Unset = UNSET
    url_match_type: Any | Unset | UrlMatchType = UNSET
    utm: Any | StoredUtmConditions | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.stored_utm_conditions import StoredUtmConditions  # noqa: PLC0415

        url: Any | str | Unset
        if isinstance(self.url, Unset):
            url = UNSET
        else:
            url = self.url

        url_match_type: Any | str | Unset
        if isinstance(self.url_match_type, Unset):
            url_match_type = UNSET
        elif isinstance(self.url_match_type, UrlMatchType):
            url_match_type = self.url_match_type.value
        else:
            url_match_type = self.url_match_type

        utm: Any | dict[str, Any] | Unset
        if isinstance(self.utm, Unset):
            utm = UNSET
        elif isinstance(self.utm, StoredUtmConditions):
            utm = self.utm.to_dict()
        else:
            utm = self.utm

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
        from ..models.stored_utm_conditions import StoredUtmConditions  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_url(data: object) -> Any | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(Any | str | Unset, data)

        url = _parse_url(d.pop("url", UNSET))

        def _parse_url_match_type(data: object) -> Any | Unset | UrlMatchType:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                url_match_type_type_0 = UrlMatchType(data)

                return url_match_type_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Any | Unset | UrlMatchType, data)

        url_match_type = _parse_url_match_type(d.pop("urlMatchType", UNSET))

        def _parse_utm(data: object) -> Any | StoredUtmConditions | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                utm_type_0 = StoredUtmConditions.from_dict(data)

                return utm_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Any | StoredUtmConditions | Unset, data)

        utm = _parse_utm(d.pop("utm", UNSET))

        stored_conditions = cls(
            url=url,
            url_match_type=url_match_type,
            utm=utm,
        )

        stored_conditions.additional_properties = d
        return stored_conditions

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
