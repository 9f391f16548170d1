"""List and pagination: newest first, limit/offset fallbacks, absolute links (reference §7)."""

from __future__ import annotations

from parity.corpus._helpers import Area, P, control_only, create, get
from parity.model import Step

AREA = "pagination"
scenario = Area(AREA)


def three() -> tuple[Step, ...]:
    """Three experiments, created oldest first."""
    return tuple(create(f"Page {n}", variants=control_only(), step=f"e{n}") for n in (1, 2, 3))


def page(query: str, rule: str = "") -> Step:
    """GET the list with a query string."""
    return get(P + query, rule=rule or f"list {query}")


SCENARIOS = (
    scenario("list_empty", "an empty project", get(P)),
    scenario("list_newest_first", "newest created_at first", *three(), get(P)),
    scenario(
        "list_limit_links",
        "next and previous links walk the pages",
        *three(),
        page("?limit=1"),
        page("?limit=1&offset=1"),
        page("?limit=1&offset=2"),
        page("?limit=2&offset=1"),
        page("?offset=1&limit=1"),
    ),
    scenario(
        "list_limit_fallbacks",
        "limit 0, negative or not an integer: 100",
        *three(),
        page("?limit=0"),
        page("?limit=-1"),
        page("?limit=abc"),
        page("?limit="),
        page("?limit=1.5"),
        page("?limit=1000000"),
    ),
    scenario(
        "list_offset_fallbacks",
        "offset negative or not an integer: 0",
        *three(),
        page("?limit=1&offset=-1"),
        page("?limit=1&offset=abc"),
        page("?offset=2"),
        page("?limit=1&offset="),
    ),
    scenario(
        "list_offset_past_end",
        "an offset past the end",
        *three(),
        page("?limit=1&offset=5"),
        page("?limit=2&offset=3"),
        page("?offset=100"),
    ),
    scenario(
        "list_links_keep_other_params",
        "links keep other parameters, sorted",
        *three(),
        page("?z=last&limit=1&a=first"),
        page("?limit=1&offset=1&x=%20y&x=2"),
    ),
    scenario(
        "list_repeated_params",
        "a repeated limit: the last one counts",
        *three(),
        page("?limit=5&limit=1"),
    ),
    scenario(
        "list_head",
        "HEAD on the list: headers only",
        *three()[:1],
        get(P),
        Step("HEAD", P),
        Step("HEAD", P + "?limit=abc"),
    ),
)
