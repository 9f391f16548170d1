from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.error_type import ErrorType

T = TypeVar("T", bound="Error")


@_attrs_define
class Error:
    """PostHog's error envelope. Only the first problem is reported.

    Attributes:
        type_ (ErrorType): Family of the error.
        code (str): Machine-readable reason: `required`, `null`, `blank`, `max_length`, `unique`,
            `invalid_input`, `parse_error`, `not_authenticated`, `authentication_failed`,
            `permission_denied`, `not_found`, `method_not_allowed`, `unsupported_media_type`,
            `throttled`, `error`, ...
        detail (str): Human-readable message.
        attr (None | str): The request field the error is about, or null.
    """

    type_: ErrorType
    code: str
    detail: str
    attr: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

        code = self.code

        detail = self.detail

        attr: None | str
        attr = self.attr

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "code": code,
                "detail": detail,
                "attr": attr,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = ErrorType(d.pop("type"))

        code = d.pop("code")

        detail = d.pop("detail")

        def _parse_attr(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        attr = _parse_attr(d.pop("attr"))

        error = cls(
            type_=type_,
            code=code,
            detail=detail,
            attr=attr,
        )

        error.additional_properties = d
        return error

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
