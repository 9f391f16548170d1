"""Where the next limit/offset page starts; the walking itself is in ``_async/pagination.py``."""

from __future__ import annotations

from urllib.parse import parse_qs

from posthog_web_experiments_client.models import PaginatedWebExperimentList

__all__ = ["next_offset"]


def next_offset(page: PaginatedWebExperimentList, offset: int) -> int | None:
    """Offset of the page after ``page`` (read from its ``next`` link), or None at the end.

    Only ``offset`` is taken from the link: the next request goes to the client's own host, so
    the API key is never sent to a host named in a response.
    """
    if page.next_ is None or not page.results:
        return None
    # Not urlsplit(): its LRU cache would keep up to 128 page URLs alive.
    query = page.next_.partition("?")[2].partition("#")[0]
    values = parse_qs(query).get("offset", [])
    try:
        following = int(values[0])
    except (IndexError, ValueError):
        following = offset + len(page.results)
    # A link that does not move forward would loop forever.
    return following if following > offset else None
