# Derived from _async/pagination.py by scripts/derive_sync.py (make sync-client): do not edit.
"""Walking limit/offset pages lazily: only the page being read is held in memory."""

from __future__ import annotations

from collections.abc import Iterator

from posthog_web_experiments_client.models import PaginatedWebExperimentList, WebExperiment

from .._base_client import PageFetcher
from .._pagination import next_offset

__all__ = ["iter_experiments", "iter_pages"]


def iter_pages(fetch: PageFetcher, offset: int = 0) -> Iterator[PaginatedWebExperimentList]:
    """Yield the page at ``offset`` and every page after it, fetching each on demand."""
    current: int | None = offset
    while current is not None:
        page = fetch(current)
        following = next_offset(page, current)
        yield page
        del page
        current = following


def iter_experiments(
    pages: Iterator[PaginatedWebExperimentList],
) -> Iterator[WebExperiment]:
    """Flatten pages into experiments, dropping each page before the next is fetched."""
    for page in pages:
        results = page.results
        del page
        yield from results
        del results
