from enum import StrEnum


class UrlMatchType(StrEnum):
    EXACT = "exact"
    ICONTAINS = "icontains"
    IS_NOT = "is_not"
    NOT_ICONTAINS = "not_icontains"
    NOT_REGEX = "not_regex"
    REGEX = "regex"

    def __str__(self) -> str:
        return str(self.value)
