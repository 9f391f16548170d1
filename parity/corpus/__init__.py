"""The parity corpus: every scenario, one module per area."""

from __future__ import annotations

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
    surface_cors,
    surface_credentials,
    surface_datetimes,
    surface_headers,
    surface_nesting,
    surface_odd_bytes,
    surface_paths,
    surface_projects,
    surface_routes,
    surface_values,
    throttling,
    update,
    validation,
    variants,
)
from parity.model import Scenario

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
    surface_headers,
    surface_paths,
    surface_odd_bytes,
    surface_credentials,
    surface_datetimes,
    surface_cors,
    surface_nesting,
    read_breaking,
)


def _collect() -> tuple[Scenario, ...]:
    scenarios = tuple(s for module in MODULES for s in module.SCENARIOS)
    names = [s.name for s in scenarios]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"scenario names must be unique: {duplicates}")
    return scenarios


SCENARIOS: Final = _collect()
BY_NAME: Final = {s.name: s for s in SCENARIOS}
