"""Mock-only endpoints under `/_mock/`: health, reset, flags, seeding, faults, stubs, journal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from posthog_mock import flags
from posthog_mock.errors import APIError, method_not_allowed, not_found, validation_error
from posthog_mock.faults import FaultSpecError, parse_fault
from posthog_mock.profiles import CHANGES
from posthog_mock.request import MockRequest
from posthog_mock.responses import Response, json_response, raw_json_response
from posthog_mock.seeding import SeedError, seed_configured, store_seeds, validate
from posthog_mock.state import MockState
from posthog_mock.storage import ExperimentIdTaken, FlagKeyTaken
from posthog_mock.stubs import StubSpecError, parse_stub
from posthog_mock.validation import check_storable, parse_datetime

_Rule = TypeVar("_Rule")


def _require(request: MockRequest, *methods: str) -> None:
    if request.method not in methods:
        raise method_not_allowed(request.method)


async def health(state: MockState, request: MockRequest, params: dict[str, str]) -> Response:
    """GET: 200 while the server and its database answer."""
    _require(request, "GET", "HEAD")
    state.store.page(state.config.projects[0].id, 1, 0)
    return json_response(200, {"status": "ok"})


async def reset(state: MockState, request: MockRequest, params: dict[str, str]) -> Response:
    """POST: delete experiments and flags; forget rate limits, faults, stubs and the journal."""
    _require(request, "POST")
    state.store.reset()
    seed_configured(state.config, state.store)
    state.limiter.reset()
    state.defects.clear()
    state.faults.clear()
    state.stubs.clear()
    state.journal.clear()
    return Response(204, content_type=None)


async def posthog_defects(
    state: MockState, request: MockRequest, params: dict[str, str]
) -> Response:
    """GET: the latest answers that reproduced a PostHog defect (its 500s, dropped connections).

    A client can tell PostHog's own 500s, which the profile reproduces, from a bug of the mock
    (an unexpected 500, never listed here); `status` 0 is a dropped connection; `defect` names
    what PostHog mishandles.
    """
    _require(request, "GET", "HEAD")
    listed = [
        {"method": d.method, "path": d.path, "status": d.status, "defect": d.defect}
        for d in list(state.defects)
    ]
    return json_response(200, {"defects": listed})


async def faults(state: MockState, request: MockRequest, params: dict[str, str]) -> Response:
    """GET lists the fault rules, POST adds one (an object) or several (a list), DELETE clears."""
    _require(request, "GET", "HEAD", "POST", "DELETE")
    if request.method == "DELETE":
        state.faults.clear()
        return Response(204, content_type=None)
    if request.method == "POST":
        data = request.parsed_body().data
        added = [state.faults.add(s).to_json() for s in _parse_all(data, parse_fault)]
        return json_response(201, added if isinstance(data, list) else added[0])
    rules = [fault.to_json() for fault in state.faults.list()]
    return json_response(200, {"count": len(rules), "results": rules})


async def fault(state: MockState, request: MockRequest, params: dict[str, str]) -> Response:
    """DELETE: remove one fault rule by id (404 when there is none)."""
    _require(request, "DELETE")
    if not state.faults.remove(int(params["fault_id"])):
        raise not_found("No fault with this id.")
    return Response(204, content_type=None)


async def seed(state: MockState, request: MockRequest, params: dict[str, str]) -> Response:
    """POST: store experiments checked like a create (a list, or `{"experiments": [...]}`).

    All or nothing: one invalid entry stores none; the answer lists what a retrieve returns.
    """
    _require(request, "POST")
    data = request.parsed_body().data
    if isinstance(data, dict) and set(data) == {"experiments"}:
        data = data["experiments"]
    if isinstance(data, dict):
        data = [data]
    try:
        seeds = validate(data, state.config, state.store, where="")
    except SeedError as exc:
        where = exc.where.lstrip(".") or "experiments"
        raise validation_error(f"{where}: {exc.reason}", attr=where) from None
    documents = store_seeds(state.store, seeds)
    return raw_json_response(201, "[" + ",".join(doc.text for doc in documents) + "]")


async def stubs(state: MockState, request: MockRequest, params: dict[str, str]) -> Response:
    """GET lists the stubs, POST adds one (an object) or several (a list), DELETE clears.

    A list is added whole or not at all: one invalid entry adds none.
    """
    _require(request, "GET", "HEAD", "POST", "DELETE")
    if request.method == "DELETE":
        state.stubs.clear()
        return Response(204, content_type=None)
    if request.method == "POST":
        data = request.parsed_body().data
        added = [state.stubs.add(s).to_json() for s in _parse_all(data, parse_stub)]
        return json_response(201, added if isinstance(data, list) else added[0])
    listed = [stub.to_json() for stub in state.stubs.rules]
    return json_response(200, {"count": len(listed), "results": listed})


async def stub(state: MockState, request: MockRequest, params: dict[str, str]) -> Response:
    """DELETE: remove one stub by id (404 when there is none)."""
    _require(request, "DELETE")
    if not state.stubs.remove(int(params["stub_id"])):
        raise not_found("No stub with this id.")
    return Response(204, content_type=None)


async def requests(state: MockState, request: MockRequest, params: dict[str, str]) -> Response:
    """GET: the journal, filtered by `method`, `path` (glob), `status`, `limit`; DELETE clears."""
    _require(request, "GET", "HEAD", "DELETE")
    journal = state.journal
    if request.method == "DELETE":
        journal.clear()
        return Response(204, content_type=None)
    query = request.query_params
    unknown = sorted(set(query) - {"method", "path", "status", "limit"})
    if unknown:
        raise validation_error(
            f"Unknown filter {unknown[0]!r} (filters: method, path, status, limit).",
            attr=unknown[0],
        )
    results = journal.select(
        method=query.get("method"),
        path=query.get("path"),
        status=_query_int(query.get("status"), "status"),
        limit=_query_int(query.get("limit"), "limit"),
    )
    return json_response(
        200,
        {
            "count": len(results),
            "total": journal.total,
            "dropped": journal.dropped,
            "capacity": journal.capacity,
            "results": results,
        },
    )


def _query_int(value: str | None, name: str) -> int | None:
    if value is None:
        return None
    if not value.isdigit():
        raise validation_error(f"{name} must be a non-negative integer, got {value!r}.", attr=name)
    return int(value)


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
            "evidence": [c.to_json() for c in CHANGES if cfg.profile.has(c.id)],
            "strict": cfg.strict,
            "journal_size": cfg.journal_size,
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


def _parse_all(data: Any, parse: Callable[[Any], _Rule]) -> list[_Rule]:
    """Parse one rule (an object) or several (a list), all before any is added.

    The 400 names the field, prefixed by the entry's index when a list was sent.
    """
    entries = data if isinstance(data, list) else [data]
    parsed = []
    for index, entry in enumerate(entries):
        try:
            parsed.append(parse(entry))
        except (FaultSpecError, StubSpecError) as exc:
            where = f"[{index}].{exc.field}" if data is entries else exc.field
            raise validation_error(f"{where}: {exc.reason}", attr=where) from None
    return parsed
