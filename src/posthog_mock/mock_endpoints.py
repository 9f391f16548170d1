"""Mock-only endpoints under `/_mock/`: health, reset, flag view and seeding."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from posthog_mock import flags
from posthog_mock.errors import APIError, method_not_allowed, not_found, validation_error
from posthog_mock.request import MockRequest
from posthog_mock.responses import Response, json_response, raw_json_response
from posthog_mock.state import MockState
from posthog_mock.storage import ExperimentIdTaken, FlagKeyTaken
from posthog_mock.validation import check_storable, parse_datetime


def _require(request: MockRequest, *methods: str) -> None:
    if request.method not in methods:
        raise method_not_allowed(request.method)


async def health(state: MockState, request: MockRequest, params: dict[str, str]) -> Response:
    """GET: 200 while the server and its database answer."""
    _require(request, "GET", "HEAD")
    state.store.page(state.config.projects[0].id, 1, 0)
    return json_response(200, {"status": "ok"})


async def reset(state: MockState, request: MockRequest, params: dict[str, str]) -> Response:
    """POST: delete every experiment and flag and forget rate-limit histories."""
    _require(request, "POST")
    state.store.reset()
    state.limiter.reset()
    state.defects.clear()
    return Response(204, content_type=None)


async def posthog_defects(
    state: MockState, request: MockRequest, params: dict[str, str]
) -> Response:
    """GET: the latest answers that reproduced a PostHog defect (its 500s, dropped connections).

    A client can tell PostHog's own 500s, which the profile reproduces, from a bug of the mock
    (an unexpected 500, never listed here); `status` 0 is a dropped connection.
    """
    _require(request, "GET", "HEAD")
    listed = [{"method": d.method, "path": d.path, "status": d.status} for d in list(state.defects)]
    return json_response(200, {"defects": listed})


async def feature_flags(state: MockState, request: MockRequest, params: dict[str, str]) -> Response:
    """GET: every feature flag with its linked experiment (`?project_id=` filters)."""
    _require(request, "GET", "HEAD")
    rows = state.store.feature_flags()
    wanted = request.query_params.get("project_id")
    if wanted is not None:
        rows = [row for row in rows if str(row["project_id"]) == wanted]
    return json_response(200, {"count": len(rows), "results": rows})


async def config(state: MockState, request: MockRequest, params: dict[str, str]) -> Response:
    """GET: the configured projects and keys, so tools can discover what to use."""
    _require(request, "GET", "HEAD")
    cfg = state.config
    return json_response(
        200,
        {
            "projects": [{"id": p.id, "accessible": p.accessible} for p in cfg.projects],
            "keys": [
                {
                    "value": k.value,
                    "scopes": sorted(k.scopes),
                    "projects": None if k.projects is None else sorted(k.projects),
                    "current_project": k.current_project,
                }
                for k in cfg.keys
            ],
            "rate_limit": cfg.rate_limit,
            "max_body_bytes": cfg.max_body_bytes,
            "posthog_version": cfg.posthog_version,
            "changes": sorted(cfg.profile.changes),
            "strict": cfg.strict,
        },
    )


async def seed_experiment(
    state: MockState, request: MockRequest, params: dict[str, str]
) -> Response:
    """POST: store an experiment verbatim (created_at, id, soft-deleted, non-web type)."""
    _require(request, "POST")
    try:
        project_id = int(params["project_id"])
    except ValueError:
        raise not_found("Project not found.") from None
    if state.config.project(project_id) is None:
        raise not_found("Project not found.")
    data = request.parsed_body().data
    if not isinstance(data, dict):
        raise validation_error("Expected a JSON object.")
    name = _field(data, "name", str, required=True)
    variants = data.get("variants")
    if isinstance(variants, dict):
        check_storable(variants)
    split = _seed_split(variants)
    created_at = datetime.now(UTC)
    if "created_at" in data:
        parsed = parse_datetime(data["created_at"])
        if parsed is None:
            raise validation_error("Not a datetime.", attr="created_at")
        created_at = parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    flag_key = _field(data, "feature_flag_key", str) or flags.derive_flag_key(name)
    experiment_id = _field(data, "id", int)
    try:
        document = state.store.seed(
            project_id,
            experiment_id=experiment_id,
            kind=_field(data, "type", str) or "web",
            deleted=bool(_field(data, "deleted", bool)),
            name=name,
            created_at=created_at,
            variants=variants,
            split=split,
            flag_key=flag_key,
        )
    except FlagKeyTaken:
        raise flags.flag_key_taken() from None
    except ExperimentIdTaken:
        raise APIError(
            409, "invalid_request", "conflict", "An experiment with this id exists."
        ) from None
    if document.hazard is not None:
        # Stored as asked; PostHog could not send it back (see `posthog_mock.hazards`).
        return json_response(201, {"read_hazard": document.hazard})
    return raw_json_response(201, document.text)


def _field(data: dict[str, Any], name: str, kind: type, *, required: bool = False) -> Any:
    value = data.get(name)
    if value is None:
        if required:
            raise validation_error("This field is required.", code="required", attr=name)
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise validation_error(f"Expected {kind.__name__}.", attr=name)
    return value


def _seed_split(variants: Any) -> list[dict[str, Any]] | None:
    if not isinstance(variants, dict) or not all(
        isinstance(v, dict) and isinstance(v.get("rollout_percentage"), int | float)
        for v in variants.values()
    ):
        return None
    return flags.build_split(variants)
