"""The parity corpus: every scenario, one module per area (a table row per family sample)."""

from __future__ import annotations

from types import ModuleType
from typing import Final

from parity.corpus import (
    auth,
    body_size,
    content,
    delete,
    fuzz_found,
    malformed,
    pagination,
    read_breaking,
    routes,
    scopes,
    surface_projects,
    surface_routes,
    surface_values,
    throttling,
    update,
    validation,
    variants,
)
from parity.model import Scenario
from parity.surface_families import scenarios

MODULES: Final = (
    auth,
    scopes,
    validation,
    variants,
    update,
    delete,
    pagination,
    routes,
    content,
    malformed,
    body_size,
    throttling,
    fuzz_found,
    surface_routes,
    surface_projects,
    surface_values,
    read_breaking,
)
# Areas that are a rotating sample of one family of the surface generator (parity/
# surface_families.py), recorded on a server of our own (`parity record --own-server`); the
# generator (`python -m parity surface`) sends every case: area -> (family, cases kept of each
# input, every how many kept). They come after `surface_values`.
FAMILY_SAMPLES: Final = {
    "surface_headers": ("repeated_headers", 2, 1),
    "surface_paths": ("routes", 2, 1),
    "surface_odd_bytes": ("odd_segments", 2, 1),
    "surface_credentials": ("credentials", 1, 1),
    "surface_datetimes": ("datetimes", 1, 1),
    "surface_cors": ("cors", 1, 1),
    "surface_nesting": ("mixed_nesting", 2, 3),
}

# What each area covers (docs/parity.md's corpus table is generated from it).
ABOUT: Final[dict[str, str]] = {
    "auth": (
        "no key, unknown key in header/body/query, which source wins, `Bearer` forms, body "
        "parsed before the 401"
    ),
    "scopes": (
        "read, write, `feature_flag:read` only, legacy keys without scopes, undocumented "
        "methods, project-limited keys, missing/foreign/non-numeric projects, `@current`, the "
        "order of checks"
    ),
    "validation": (
        "every name rule, every variants rule in order, split checks, script injection, "
        "flag-key lengths, ignored fields, PostHog's own 500s"
    ),
    "variants": 'representation: order, percentage first, unknown keys, `""` names, number forms',
    "update": "PUT vs PATCH, wholesale replacement, `created_at` applied, 404 before validation",
    "delete": "204 without `Content-Type`, 404 everywhere after",
    "pagination": (
        "newest first, `limit`/`offset` fallbacks, links, other parameters kept and sorted, HEAD"
    ),
    "routes": (
        "both routes, trailing slashes, HEAD, OPTIONS, TRACE, id forms; `routes_list_*`: PUT, "
        "PATCH and DELETE on the list route with every kind of key (all, read, write, "
        "flag-read, legacy, project-limited, unknown, none); `routes_unknown_below_*`: every "
        "method (GET HEAD POST PUT PATCH DELETE OPTIONS TRACE FOO PROPFIND) on an unknown "
        "path below the project, the list and an experiment "
        "(`.../web_experiments/ID/results/`)"
    ),
    "content": (
        "JSON, form, multipart (without a boundary: Django's HTML 400), 415s, `Accept` and "
        "406, browser headers (`Origin`, cookies), CORS preflight, proxy headers"
    ),
    "malformed": (
        "broken JSON, NaN/Infinity, bodies that are not objects, invalid UTF-8, deep nesting, NUL"
    ),
    "body_size": "1.5 MB, a 300 kB transform, 21 MB",
    "throttling": "480 requests pass, the 481st is a 429 (on a server with rate limits on)",
    "fuzz_found": (
        "what differential fuzzing found: format suffixes, `?format=`, preflight headers, a "
        "`limit` beyond 64 bits"
    ),
    "surface_routes": (
        "`PUT`/`PATCH`/`DELETE` on every list form, every method on unknown sub-paths, "
        "OPTIONS and unsupported methods by key kind (recorded with `--own-server`)"
    ),
    "surface_projects": (
        "the main project written in every form `int()` reads as it, and forms it refuses"
    ),
    "surface_values": (
        "number forms in the variants read back through retrieve and list; body encodings"
    ),
    "surface_headers": (
        "request headers sent twice (joined as gunicorn hands them to Django; the last "
        "`Content-Type` wins), a repeated `Host`"
    ),
    "surface_paths": (
        "paths Django and DRF route before or around the API: slashes, format suffixes "
        "(`.json`, `/.json`, `?format=`) on the list and an experiment, read and written"
    ),
    "surface_odd_bytes": (
        "odd bytes in path segments (NUL, controls, invalid UTF-8, broken percent-escapes, "
        "non-ASCII) as the id, after it, inside the route word and as the project"
    ),
    "surface_credentials": (
        "credentials of the wrong JSON type where PostHog reads a key (`personal_api_key` as "
        "number, null, list, object; non-object bodies; form and query forms)"
    ),
    "surface_datetimes": (
        "`created_at` beyond what Django and DRF can read (year 0 and 10000, huge offsets, "
        "overflowing fields), on create and PATCH"
    ),
    "surface_cors": (
        "CORS on unusual `Origin` values: `null`, several origins, paths, odd schemes, very "
        "long, unparsable, empty, the header twice"
    ),
    "surface_nesting": (
        "variants nested deep with objects and arrays mixed, read back through retrieve and list"
    ),
    "read_breaking": (
        "values PostHog stores but cannot read back (`src/posthog_mock/hazards.py`): `1e20` "
        "and `2**64` in a variant (every read 500 until deleted), variants 134 objects deep "
        "(every list gets no answer), objects and arrays alternating 200 deep (every list and "
        "the create's own answer dropped)"
    ),
}


def area(module: ModuleType) -> str:
    """Return a corpus module's area: its name within the package."""
    return module.__name__.rsplit(".", 1)[1]


def _areas() -> dict[str, tuple[Scenario, ...]]:
    """Every area's scenarios, in the order of the docs' table."""
    areas = {area(module): tuple(module.SCENARIOS) for module in MODULES}
    samples = {
        name: scenarios(name, family, per_input=per_input, every=every)
        for name, (family, per_input, every) in FAMILY_SAMPLES.items()
    }
    order = list(areas)
    at = order.index("surface_values") + 1
    order[at:at] = list(samples)
    return {name: (areas | samples)[name] for name in order}


def _collect() -> tuple[Scenario, ...]:
    undescribed = sorted(set(AREAS) ^ set(ABOUT))
    if undescribed:
        raise ValueError(f"every corpus area needs exactly one ABOUT entry: {undescribed}")
    collected = tuple(s for area_scenarios in AREAS.values() for s in area_scenarios)
    names = [s.name for s in collected]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"scenario names must be unique: {duplicates}")
    return collected


AREAS: Final = _areas()
SCENARIOS: Final = _collect()
BY_NAME: Final = {s.name: s for s in SCENARIOS}
