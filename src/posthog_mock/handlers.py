"""Handlers for PostHog's web experiment endpoints (reference §1-§7)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Final

from posthog_mock import flags
from posthog_mock.auth import authenticate, authorize
from posthog_mock.errors import (
    APIError,
    ConnectionDropped,
    method_not_allowed,
    not_found,
    posthog_server_error,
    server_error_page,
    validation_error,
)
from posthog_mock.hazards import read_breaking
from posthog_mock.pagination import next_link, parse_limit, parse_offset, previous_link
from posthog_mock.representation import DROPS_CONNECTION, Document, to_json
from posthog_mock.request import MockRequest
from posthog_mock.responses import Response, json_response, raw_json_response
from posthog_mock.state import MockState
from posthog_mock.storage import FlagKeyTaken
from posthog_mock.validation import ExperimentInput, check_storable, validate_experiment

READ: Final = "experiment:read"
WRITE: Final = "experiment:write"
MAX_SQL_ID: Final = 2**63 - 1
LIMIT_TOO_LARGE: Final = f"Ensure this value is less than or equal to {MAX_SQL_ID}."

# DRF's SimpleMetadata description of the web experiment serializer, as PostHog answers it.
VARIANTS_HELP_TEXT: Final = """Variants for the web experiment. Example:

        {
            "control": {
                "transforms": [
                    {
                        "text": "Here comes Superman!",
                        "html": "",
                        "selector": "#page > #body > .header h1"
                    }
                ],
                "conditions": "None",
                "rollout_percentage": 50
            },
        }"""
SERIALIZER_FIELDS: Final[dict[str, Any]] = {
    "id": {"type": "integer", "required": False, "read_only": True, "label": "ID"},
    "name": {
        "type": "string",
        "required": True,
        "read_only": False,
        "label": "Name",
        "max_length": 400,
    },
    "created_at": {
        "type": "datetime",
        "required": False,
        "read_only": False,
        "label": "Created at",
    },
    "feature_flag_key": {
        "type": "string",
        "required": False,
        "read_only": True,
        "label": "Feature flag key",
    },
    "variants": {
        "type": "field",
        "required": True,
        "read_only": False,
        "label": "Variants",
        "help_text": VARIANTS_HELP_TEXT,
    },
}

# DRF answers every request of a view with the view's methods in `Allow`.
COLLECTION_ALLOW_METHODS: Final = "GET, POST, HEAD, OPTIONS"
DETAIL_ALLOW_METHODS: Final = "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"
_COLLECTION_ALLOW: Final = ((b"allow", COLLECTION_ALLOW_METHODS.encode()),)
_DETAIL_ALLOW: Final = ((b"allow", DETAIL_ALLOW_METHODS.encode()),)

# method -> (action, required scope); methods missing here are "unsupported" for API keys.
COLLECTION_ACTIONS: Final = {
    "GET": ("list", READ),
    "HEAD": ("list", READ),
    "POST": ("create", WRITE),
    "OPTIONS": ("metadata", READ),
    # PostHog's scope check names a PATCH on the list "patch", a write action: scope checked,
    # then DRF's 405 (PUT and DELETE there have no action: the 403 for unsupported methods).
    "PATCH": ("patch", WRITE),
}
DETAIL_ACTIONS: Final = {
    "GET": ("retrieve", READ),
    "HEAD": ("retrieve", READ),
    "PUT": ("update", WRITE),
    "PATCH": ("partial_update", WRITE),
    "DELETE": ("destroy", WRITE),
    "OPTIONS": ("metadata", READ),
}

Handler = Callable[[MockState, MockRequest, dict[str, str]], Awaitable[Response]]


async def experiment_collection(
    state: MockState, request: MockRequest, params: dict[str, str]
) -> Response:
    """`P`: list (GET/HEAD), create (POST) and metadata (OPTIONS)."""
    action, scope = COLLECTION_ACTIONS.get(request.method, (None, None))
    project_id = authorize(state.config, state.limiter, request, params["project_id"], scope)
    if action == "create":
        return create_experiment(state, request, project_id)
    if action == "metadata":
        actions = {"POST": SERIALIZER_FIELDS} if _legacy(state, request) else None
        return metadata("Web Experiment List", COLLECTION_ALLOW_METHODS, actions)
    if action == "patch":
        raise method_not_allowed(request.method)
    return list_experiments(state, request, project_id)


async def experiment_detail(
    state: MockState, request: MockRequest, params: dict[str, str]
) -> Response:
    """`P{id}/`: retrieve, update, partial update, destroy and metadata."""
    action, scope = DETAIL_ACTIONS.get(request.method, (None, None))
    project_id = authorize(state.config, state.limiter, request, params["project_id"], scope)
    if "\x00" in params["experiment_id"]:
        # Recorded: once every check has passed, PostHog's lookup of an id holding a NUL byte
        # (`%00`, `1%00`, `a%00b`) raises (Postgres refuses NUL in text): its 500, for every
        # method the route serves, OPTIONS included.
        raise posthog_server_error(not_found(), strict=state.config.strict)
    if action == "metadata":
        actions = None
        if _legacy(state, request) and _exists(state, project_id, params["experiment_id"]):
            actions = {"PUT": SERIALIZER_FIELDS}
        return metadata("Web Experiment Instance", DETAIL_ALLOW_METHODS, actions)
    experiment_id = parse_experiment_id(params["experiment_id"])
    if action == "destroy":
        if not state.store.delete(project_id, experiment_id):
            raise not_found()
        return Response(204, content_type=None, headers=_DETAIL_ALLOW)
    if action == "retrieve":
        document = state.store.get(project_id, experiment_id)
        if document is None:
            raise not_found()
        return raw_json_response(200, sendable(document), _DETAIL_ALLOW)
    return update_experiment(state, request, project_id, experiment_id, partial=action != "update")


def _legacy(state: MockState, request: MockRequest) -> bool:
    """Whether the (authenticated) request's key is a legacy key, which may do anything.

    DRF's metadata describes the serializer for each of POST and PUT the requester may send:
    PostHog's scope check lets only a key without scopes through on an OPTIONS clone.
    """
    return authenticate(state.config, request).is_legacy


def _exists(state: MockState, project_id: int, raw_id: str) -> bool:
    try:
        experiment_id = parse_experiment_id(raw_id)
    except APIError:
        return False
    return state.store.get(project_id, experiment_id) is not None


def parse_experiment_id(text: str) -> int:
    """Read the URL id as Django's integer lookup does; raise 404 when nothing can match."""
    try:
        value = int(text)
    except ValueError:
        raise not_found() from None
    if not 0 < value <= MAX_SQL_ID:
        raise not_found()
    return value


def list_experiments(state: MockState, request: MockRequest, project_id: int) -> Response:
    """Newest-first page with DRF's limit/offset fallbacks and absolute links."""
    limit = parse_limit(request.query_params)
    offset = parse_offset(request.query_params)
    page = state.store.page(project_id, limit, offset)
    if limit > MAX_SQL_ID and page.count > 0 and offset <= page.count:
        # PostHog sends the page's LIMIT to Postgres, which refuses it beyond bigint: a 500
        # (only when a page is fetched at all).
        too_large = validation_error(LIMIT_TOO_LARGE, attr="limit")
        raise posthog_server_error(too_large, strict=state.config.strict)
    url = request.absolute_url()
    body = (
        f'{{"count":{page.count},"next":{to_json(next_link(url, limit, offset, page.count))},'
        f'"previous":{to_json(previous_link(url, limit, offset))},'
        f'"results":[{",".join(sendable(document) for document in page.results)}]}}'
    )
    return raw_json_response(200, body, _COLLECTION_ALLOW)


def sendable(document: Document) -> str:
    """Return the document's JSON, or fail as PostHog does: its HTML 500 or a dropped line."""
    if document.hazard == DROPS_CONNECTION:
        raise ConnectionDropped()
    if document.hazard is not None:
        raise server_error_page()
    return document.text


def create_experiment(state: MockState, request: MockRequest, project_id: int) -> Response:
    """Validate, derive the flag key, check the split and store experiment and flag."""
    data = _validated(state, request, partial=False)
    assert data.name is not None
    flag_key = flags.derive_flag_key(data.name)
    flags.check_flag_key_length(flag_key)
    split = _checked_split(state, data)
    request.session_accessed = True
    flags.check_usage_dashboard(flag_key, strict=state.config.strict)
    _check_storable(state, data)
    try:
        document = state.store.create(project_id, data.name, data.variants, split, flag_key)
    except FlagKeyTaken:
        raise flags.flag_key_taken() from None
    return raw_json_response(201, sendable(document), _COLLECTION_ALLOW)


def update_experiment(
    state: MockState, request: MockRequest, project_id: int, experiment_id: int, *, partial: bool
) -> Response:
    """PUT/PATCH: 404 before validation, variants replaced wholesale, flag key untouched."""
    if state.store.get(project_id, experiment_id) is None:
        raise not_found()
    data = _validated(state, request, partial=partial)
    split = _checked_split(state, data)
    request.session_accessed = True
    _check_storable(state, data)
    document = state.store.update(
        project_id,
        experiment_id,
        name=data.name,
        created_at=data.created_at,
        variants=data.variants,
        split=split,
    )
    if document is None:
        raise not_found()
    return raw_json_response(200, sendable(document), _DETAIL_ALLOW)


def _validated(state: MockState, request: MockRequest, *, partial: bool) -> ExperimentInput:
    config = state.config
    return validate_experiment(
        request.parsed_body(), partial=partial, profile=config.profile, strict=config.strict
    )


def _checked_split(state: MockState, data: ExperimentInput) -> list[dict[str, object]]:
    split = flags.build_split(data.variants)
    flags.check_split(split, strict=state.config.strict)
    return split


def _check_storable(state: MockState, data: ExperimentInput) -> None:
    """Refuse what PostHog's database refuses (its 500) and, in strict mode, what breaks reads."""
    try:
        check_storable(data.variants)
    except APIError as refused:
        raise posthog_server_error(refused, strict=state.config.strict) from None
    if state.config.strict:
        for finding in read_breaking(data.variants):
            raise validation_error(
                f"PostHog stores this value at {finding.path} but cannot read it back:"
                f" {finding.hazard.what}; {finding.hazard.effect}.",
                attr="variants",
            )


def metadata(name: str, allow: str, actions: dict[str, Any] | None = None) -> Response:
    """Answer OPTIONS with DRF's metadata (`name`: the view's; `actions`: what may be sent)."""
    body: dict[str, Any] = {
        "name": name,
        "description": "",
        "renders": ["application/json"],
        "parses": [
            "application/json",
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ],
    }
    if actions is not None:
        body["actions"] = actions
    return json_response(200, body, ((b"allow", allow.encode()),))
