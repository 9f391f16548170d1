"""The only places a built-in check is off, each with PostHog's documented reason (§ = reference).

A check is turned off for an operation only when PostHog's real behaviour makes it inapplicable.
Everything else runs everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

LIST_PATH = "/api/projects/{project_id}/web_experiments/"
# The operations of openapi.yaml, in the summary's order, each with its method and path.
OPERATIONS = {
    "web_experiments_list": ("GET", LIST_PATH),
    "web_experiments_create": ("POST", LIST_PATH),
    "web_experiments_retrieve": ("GET", LIST_PATH + "{id}/"),
    "web_experiments_update": ("PUT", LIST_PATH + "{id}/"),
    "web_experiments_partial_update": ("PATCH", LIST_PATH + "{id}/"),
    "web_experiments_destroy": ("DELETE", LIST_PATH + "{id}/"),
}
OPERATION_IDS = tuple(OPERATIONS)
# The suite's test of each operation, as the summary names it (and `--only` takes it).
OPERATION_TESTS = {f"test_operation[{m} {path}]": op for op, (m, path) in OPERATIONS.items()}


@dataclass(frozen=True)
class Exclusion:
    """One built-in check turned off for one operation, and why."""

    operation_id: str
    check: str
    reason: str
    reference: str


UNDOCUMENTED_METHOD_REASON = (
    "PostHog answers an undocumented method on this route with 403 'This action does not support"
    " personal API key access' when a personal API key is used (405 only for session auth), so"
    " the 405 that unsupported_method expects never comes"
)

EXCLUSIONS: tuple[Exclusion, ...] = (
    Exclusion(
        "web_experiments_list",
        "negative_data_rejection",
        "limit of 0, negative or non-integer falls back to 100 and a negative or non-integer"
        " offset to 0, with a 200, never a 400; the only other negative input, project_id, is"
        " still checked by status_code_conformance and posthog_error_envelope",
        "§7 List and pagination",
    ),
    *(
        Exclusion(
            operation_id, "unsupported_method", UNDOCUMENTED_METHOD_REASON, "§8 Errors (403 row)"
        )
        for operation_id in OPERATION_IDS
    ),
)


def operations_config() -> list[dict[str, object]]:
    """The exclusions as schemathesis `[[operations]]` entries."""
    by_operation: dict[str, dict[str, object]] = {}
    for exclusion in EXCLUSIONS:
        checks = by_operation.setdefault(exclusion.operation_id, {})
        checks[exclusion.check] = {"enabled": False}
    return [
        {"include-operation-id": operation_id, "checks": checks}
        for operation_id, checks in by_operation.items()
    ]
