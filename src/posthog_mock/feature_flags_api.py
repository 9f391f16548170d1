"""The subset of PostHog's feature flags API a clean-up needs: list (search) and soft-delete.

`GET /api/projects/{id}/feature_flags/` (scope `feature_flag:read`; `search` matches key or
name, `active=true|false`, limit/offset) and `GET|PATCH .../feature_flags/{flag_id}/` (PATCH
needs `feature_flag:write` and takes only `{"deleted": true|false}`), answered as PostHog
29dbf9d2 answers them, each flag reduced to the fields a web experiment's flag is known by.
`DELETE` answers 405, as in PostHog: flags are only ever soft-deleted.
"""

from __future__ import annotations

from typing import Any, Final

from posthog_mock.auth import authorize
from posthog_mock.errors import method_not_allowed, not_found, validation_error
from posthog_mock.feature_flag_store import FeatureFlag, FeatureFlagStore
from posthog_mock.handlers import parse_experiment_id
from posthog_mock.pagination import next_link, parse_limit, parse_offset, previous_link
from posthog_mock.request import MockRequest
from posthog_mock.responses import Response, json_response
from posthog_mock.state import MockState

READ: Final = "feature_flag:read"
WRITE: Final = "feature_flag:write"
COLLECTION_ALLOW: Final = ((b"allow", b"GET, POST, HEAD, OPTIONS"),)
DETAIL_ALLOW: Final = ((b"allow", b"GET, PUT, PATCH, DELETE, HEAD, OPTIONS"),)
# PostHog's flag viewset answers these; the subset serves none of them (405 after auth).
UNSERVED: Final = {"POST": WRITE, "PUT": WRITE, "DELETE": WRITE, "OPTIONS": READ}


async def feature_flags(state: MockState, request: MockRequest, params: dict[str, str]) -> Response:
    """Route `feature_flags/` and `feature_flags/{flag_id}/` of a project."""
    method = request.method
    scope = {"GET": READ, "HEAD": READ, "PATCH": WRITE}.get(method) or UNSERVED.get(method)
    project_id = authorize(state.config, state.limiter, request, params["project_id"], scope)
    store = FeatureFlagStore(state.store)
    raw_id = params.get("flag_id")
    if raw_id is None:
        if method not in ("GET", "HEAD"):
            raise method_not_allowed(method)
        return _list(store, request, project_id)
    flag_id = parse_experiment_id(raw_id)
    flag = store.get(project_id, flag_id)
    if method == "PATCH":
        if flag is None:
            raise not_found()
        return _patch(store, request, project_id, flag)
    if method == "DELETE":
        # PostHog's flag viewset refuses DELETE with an empty 405: flags are soft-deleted.
        return Response(405, b"", content_type=None, headers=DETAIL_ALLOW)
    if method not in ("GET", "HEAD"):
        raise method_not_allowed(method)
    if flag is None:
        raise not_found()
    return json_response(200, render_flag(flag), DETAIL_ALLOW)


def _list(store: FeatureFlagStore, request: MockRequest, project_id: int) -> Response:
    query = request.query_params
    flags = store.list(project_id)
    search = query.get("search")
    if search is not None:
        needle = search.casefold()
        flags = [f for f in flags if needle in f.key.casefold() or needle in f.name.casefold()]
    active = query.get("active")
    if active in ("true", "false"):
        flags = [f for f in flags if f.active == (active == "true")]
    limit, offset = parse_limit(query), parse_offset(query)
    url = request.absolute_url()
    body = {
        "count": len(flags),
        "next": next_link(url, limit, offset, len(flags)),
        "previous": previous_link(url, limit, offset),
        "results": [render_flag(f) for f in flags[offset : offset + limit]],
    }
    return json_response(200, body, COLLECTION_ALLOW)


def _patch(
    store: FeatureFlagStore, request: MockRequest, project_id: int, flag: FeatureFlag
) -> Response:
    data = request.parsed_body().data
    if not isinstance(data, dict) or set(data) - {"deleted"}:
        raise validation_error("The mock's flags API changes only `deleted`.")
    deleted = data.get("deleted", False)
    if not isinstance(deleted, bool):
        raise validation_error("Must be a valid boolean.", attr="deleted", code="invalid")
    if deleted and not flag.deleted:
        if flag.experiment_set:
            ids = ", ".join(str(i) for i in flag.experiment_set)
            raise validation_error(
                "Cannot delete a feature flag that is linked to active experiment(s) with"
                f" ID(s): {ids}. Please delete the experiment(s) before deleting the flag."
            )
        store.soft_delete(project_id, flag.id)
        flag = store.get(project_id, flag.id) or flag
    return json_response(200, render_flag(flag), DETAIL_ALLOW)


def render_flag(flag: FeatureFlag) -> dict[str, Any]:
    """Render the fields of PostHog's flag representation the subset keeps, in PostHog's order."""
    return {
        "id": flag.id,
        "name": flag.name,
        "key": flag.key,
        "filters": flag.filters,
        "deleted": flag.deleted,
        "active": flag.active,
        "created_at": flag.created_at.replace("+00:00", "Z"),
        "experiment_set": list(flag.experiment_set),
    }
