"""Walking limit/offset pages lazily: only the page being read is held in memory."""

from __future__ import annotations

from collections.abc import AsyncIterator

from posthog_web_experiments_client.models import PaginatedWebExperimentList, WebExperiment

from .._base_client import AsyncPageFetcher
from .._pagination import next_offset

__all__ = ["iter_experiments", "iter_pages"]


async def iter_pages(
    fetch: AsyncPageFetcher, offset: int = 0
) -> AsyncIterator[PaginatedWebExperimentList]:
    """Yield the page at ``offset`` and every page after it, fetching each on demand."""
    current: int | None = offset
    while current is not None:
        page = await fetch(current)
        following = next_offset(page, current)
        yield page
        del page
        current = following


async def iter_experiments(
    pages: AsyncIterator[PaginatedWebExperimentList],
) -> AsyncIterator[WebExperiment]:
    """Flatten pages into experiments, dropping each page before the next is fetched."""
    async for page in pages:
        results = page.results
        del page
        for experiment in results:
            yield experiment
        del results
