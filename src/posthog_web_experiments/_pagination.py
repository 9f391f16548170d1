"""Walking limit/offset pages lazily: only the page being read is held in memory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from urllib.parse import parse_qs

from posthog_web_experiments_client.models import PaginatedWebExperimentList, WebExperiment

__all__ = ["aiter_experiments", "aiter_pages", "iter_experiments", "iter_pages", "next_offset"]


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


def iter_pages(
    fetch: Callable[[int], PaginatedWebExperimentList], offset: int = 0
) -> Iterator[PaginatedWebExperimentList]:
    """Yield the page at ``offset`` and every page after it, fetching each on demand."""
    current: int | None = offset
    while current is not None:
        page = fetch(current)
        following = next_offset(page, current)
        yield page
        del page
        current = following


async def aiter_pages(
    fetch: Callable[[int], Awaitable[PaginatedWebExperimentList]], offset: int = 0
) -> AsyncIterator[PaginatedWebExperimentList]:
    """Async twin of :func:`iter_pages`."""
    current: int | None = offset
    while current is not None:
        page = await fetch(current)
        following = next_offset(page, current)
        yield page
        del page
        current = following


def iter_experiments(pages: Iterator[PaginatedWebExperimentList]) -> Iterator[WebExperiment]:
    """Flatten pages into experiments, dropping each page before the next is fetched."""
    for page in pages:
        results = page.results
        del page
        yield from results
        del results


async def aiter_experiments(
    pages: AsyncIterator[PaginatedWebExperimentList],
) -> AsyncIterator[WebExperiment]:
    """Async twin of :func:`iter_experiments`."""
    async for page in pages:
        results = page.results
        del page
        for experiment in results:
            yield experiment
        del results
