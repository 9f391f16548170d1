"""DRF's LimitOffsetPagination: lenient limit/offset parsing and absolute next/previous links."""

from __future__ import annotations

from typing import Final
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from starlette.datastructures import QueryParams

DEFAULT_LIMIT: Final = 100


def _positive_int(text: str, *, strict: bool) -> int:
    value = int(text)
    if value < 0 or (value == 0 and strict):
        raise ValueError(text)
    return value


def parse_limit(params: QueryParams) -> int:
    """`limit`, or 100 when absent, zero, negative or not an integer."""
    try:
        return _positive_int(params["limit"], strict=True)
    except (KeyError, ValueError):
        return DEFAULT_LIMIT


def parse_offset(params: QueryParams) -> int:
    """`offset`, or 0 when absent, negative or not an integer."""
    try:
        return _positive_int(params["offset"], strict=False)
    except (KeyError, ValueError):
        return 0


def replace_query_param(url: str, key: str, value: int) -> str:
    """Set one query parameter and sort all of them, as DRF does."""
    scheme, netloc, path, query, fragment = urlsplit(url)
    params = parse_qs(query, keep_blank_values=True)
    params[key] = [str(value)]
    return urlunsplit(
        (scheme, netloc, path, urlencode(sorted(params.items()), doseq=True), fragment)
    )


def remove_query_param(url: str, key: str) -> str:
    """Drop one query parameter and sort the rest, as DRF does."""
    scheme, netloc, path, query, fragment = urlsplit(url)
    params = parse_qs(query, keep_blank_values=True)
    params.pop(key, None)
    return urlunsplit(
        (scheme, netloc, path, urlencode(sorted(params.items()), doseq=True), fragment)
    )


def next_link(url: str, limit: int, offset: int, count: int) -> str | None:
    """Return the next page's URL, or None on the last page."""
    if offset + limit >= count:
        return None
    return replace_query_param(replace_query_param(url, "limit", limit), "offset", offset + limit)


def previous_link(url: str, limit: int, offset: int) -> str | None:
    """Return the previous page's URL, or None on the first page."""
    if offset <= 0:
        return None
    url = replace_query_param(url, "limit", limit)
    if offset - limit <= 0:
        return remove_query_param(url, "offset")
    return replace_query_param(url, "offset", offset - limit)
