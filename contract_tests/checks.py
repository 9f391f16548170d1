"""The suite's own checks, registered with schemathesis; each failure message names the problem.

Section numbers (§) refer to the behaviour reference, docs/behaviour.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import schemathesis
from schemathesis import Case, CheckContext, Response

from contract_tests import runtime
from contract_tests.reference import (
    CREATED_AT_FORMAT,
    first_difference,
    flag_key_problem,
    normalised_variants,
)
from live_road.facts import WRITE_METHODS, json_object
from live_road.policy import UnsafeRequestRefusedError
from posthog_mock.hazards import read_back

ERROR_KEYS = ("type", "code", "detail", "attr")
ERROR_TYPES = frozenset(
    {
        "validation_error",
        "invalid_request",
        "authentication_error",
        "throttled_error",
        "server_error",
    }
)
DEFAULT_LIMIT = 100
WRITE_SCOPE_DETAIL = "API key missing required scope 'experiment:write'"
READ_SCOPE_DETAIL = "API key missing required scope 'experiment:read'"
# schemathesis counts a check returning a truthy value as skipped and one returning None as run
# and passed (`run_checks` in schemathesis/checks.py); the summary's matrix shows the difference.
NOT_APPLICABLE = True


def _json(content: bytes | str | None) -> Any:
    """A response's or request's body as JSON; None when there is none or it is no JSON."""
    try:
        return json.loads(content or b"")
    except ValueError:
        return None


def _is_item(case: Case[Any]) -> bool:
    return "{id}" in case.path


def _experiments(case: Case[Any], response: Response) -> Iterator[dict[str, Any]]:
    """The experiment objects a 2xx response carries."""
    if not 200 <= response.status_code < 300:
        return
    body = _json(response.content)
    if not isinstance(body, dict):
        return
    if case.method.upper() == "GET" and not _is_item(case):
        results = body.get("results")
        if isinstance(results, list):
            yield from (item for item in results if isinstance(item, dict))
    elif "id" in body:
        yield body


@schemathesis.check
def posthog_error_envelope(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """Every 4xx body is PostHog's envelope `{"type", "code", "detail", "attr"}` (§8).

    Except Django's own `Bad Request (400)` HTML page for a multipart body without a boundary:
    Django refuses it before any PostHog view runs (every PostHog version does; recorded in
    parity's `content_multipart`).
    """
    if not 400 <= response.status_code < 500:
        return NOT_APPLICABLE
    if _multipart_without_boundary(response):
        return NOT_APPLICABLE
    body = _json(response.content)
    where = f"{response.status_code} to {case.method.upper()} {case.formatted_path}"
    if not isinstance(body, dict):
        raise AssertionError(
            f"Error envelope broken: {where} has no JSON object body: {response.content[:200]!r}"
        )
    problems = []
    if list(body) != list(ERROR_KEYS):
        problems.append(f"keys are {list(body)}, expected {list(ERROR_KEYS)}")
    if body.get("type") not in ERROR_TYPES:
        problems.append(f"type {body.get('type')!r} is not one of {sorted(ERROR_TYPES)}")
    for key in ("code", "detail"):
        if not isinstance(body.get(key), str) or not body.get(key):
            problems.append(f"{key} {body.get(key)!r} is not a non-empty string")
    if body.get("attr") is not None and not isinstance(body.get("attr"), str):
        problems.append(f"attr {body.get('attr')!r} is neither a string nor null")
    if problems:
        raise AssertionError(f"Error envelope broken: {where}: " + "; ".join(problems))
    return None


def _multipart_without_boundary(response: Response) -> bool:
    sent = (response.request.headers.get("content-type") or "").lower()
    received = response.headers.get("content-type") or [""]
    return (
        response.status_code == 400
        and sent.startswith("multipart/form-data")
        and "boundary=" not in sent
        and received[0].startswith("text/html")
        and b"<title>Bad Request (400)</title>" in response.content
    )


@schemathesis.check
def feature_flag_key_stable(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """`feature_flag_key` is derived from the name at creation and never changes (§3, §5)."""
    observed = runtime.current().observed
    checked = False
    creating = case.method.upper() == "POST" and response.status_code == 201
    for experiment in _experiments(case, response):
        experiment_id, key = experiment.get("id"), experiment.get("feature_flag_key")
        if not isinstance(experiment_id, int) or not isinstance(key, str):
            continue
        if creating:
            problem = flag_key_problem(str(experiment.get("name", "")), key)
            if problem is not None:
                raise AssertionError(f"Flag key not derived from the name: {problem}")
        previous = observed.flag_keys.setdefault(experiment_id, key)
        if previous != key:
            raise AssertionError(
                f"Flag key changed: experiment {experiment_id} had feature_flag_key "
                f"{previous!r}, now {key!r} after {case.method.upper()} {case.formatted_path}"
            )
        checked = True
    return None if checked else NOT_APPLICABLE


@schemathesis.check
def variants_round_trip(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """Variants come back as sent, `rollout_percentage` first, in request order (§4)."""
    method = case.method.upper()
    observed = runtime.current().observed
    body = _json(response.content)
    if not 200 <= response.status_code < 300 or not isinstance(body, dict):
        return NOT_APPLICABLE
    if method in ("POST", "PUT", "PATCH"):
        sent = _json(response.request.body)
        if not isinstance(sent, dict) or not isinstance(sent.get("variants"), dict):
            return NOT_APPLICABLE
        expected = normalised_variants(sent["variants"])
        where = f"{method} {case.formatted_path}"
    elif method == "GET" and _is_item(case) and body.get("id") in observed.variants:
        expected = observed.variants[body["id"]]
        where = f"GET {case.formatted_path} after the last write"
    else:
        return NOT_APPLICABLE
    got = body.get("variants")
    if not isinstance(got, dict):
        raise AssertionError(f"Variants lost: {where} answered variants={got!r}")
    difference = first_difference(expected, got, "variants")
    if difference is not None and method == "GET":
        # Read back from storage, a float like 1e+20 is the integer PostHog's jsonb made it.
        difference = first_difference(read_back(expected), got, "variants")
    if difference is not None:
        at, sent, answered = difference
        raise AssertionError(
            f"Variants do not round-trip: {where}: at {at} sent {sent}, got {answered}"
        )
    if list(got) != list(expected):
        raise AssertionError(
            f"Variants do not round-trip: {where}: variants in the order {list(expected)} were"
            f" sent, got {list(got)}"
        )
    for variant_name, variant in got.items():
        if isinstance(variant, dict) and next(iter(variant), None) != "rollout_percentage":
            raise AssertionError(
                f"Variants do not round-trip: {where}: variant {variant_name!r} does not start "
                f"with rollout_percentage: {list(variant)}"
            )
    if isinstance(body.get("id"), int):
        # Later reads give the numbers back as PostHog's `jsonb` does (1e16 -> an integer).
        observed.variants[body["id"]] = read_back(got)
    return None


def _positive_int(params: dict[str, list[str]], key: str, *, default: int, strict: bool) -> int:
    """DRF's `_positive_int` on the value Django's QueryDict.get returns (the last): the
    fallback rules of §7."""
    values = params.get(key)
    try:
        value = int(values[-1]) if values else default
    except ValueError:
        return default
    return default if value < 0 or (strict and value == 0) else value


def _link(url: str) -> dict[str, Any]:
    """A URL as §7's links are compared: origin, path, the query's values, its keys' order."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query: dict[str, list[str]] = {}
    for key, value in pairs:
        query.setdefault(key, []).append(value)
    order = list(dict.fromkeys(key for key, _ in pairs))
    return {
        "origin": (parts.scheme, parts.netloc),
        "path": parts.path,
        "query": query,
        "order": order,
    }


def _moved(request: dict[str, Any], **changes: int | None) -> dict[str, Any]:
    """The request's link with `changes` to its query (None drops the key), the keys sorted."""
    query = {key: list(values) for key, values in request["query"].items()}
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = [str(value)]
    return {**request, "query": query, "order": sorted(query)}


@schemathesis.check
def pagination_links(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """`next`/`previous` follow `count`, `limit` and `offset` exactly as §7 describes."""
    if case.method.upper() != "GET" or _is_item(case) or response.status_code != 200:
        return NOT_APPLICABLE
    body = _json(response.content)
    if not isinstance(body, dict) or not isinstance(body.get("count"), int):
        return NOT_APPLICABLE
    request_url = str(response.request.url)
    request = _link(request_url)
    limit = _positive_int(request["query"], "limit", default=DEFAULT_LIMIT, strict=True)
    offset = _positive_int(request["query"], "offset", default=0, strict=False)
    count = body["count"]
    where = f"GET {case.formatted_path}?{urlsplit(request_url).query} (count={count})"
    results = body.get("results")
    expected_size = max(min(limit, count - offset), 0)
    if isinstance(results, list) and len(results) != expected_size:
        raise AssertionError(
            f"Page size wrong: {where} returned {len(results)} results, expected {expected_size}"
        )
    expected_next = (
        None if offset + limit >= count else _moved(request, limit=limit, offset=offset + limit)
    )
    previous_offset = offset - limit if offset > limit else None
    expected_previous = (
        None if offset <= 0 else _moved(request, limit=limit, offset=previous_offset)
    )
    for name, expected in (("next", expected_next), ("previous", expected_previous)):
        got = body.get(name)
        if expected is None:
            if got is not None:
                raise AssertionError(
                    f"Wrong `{name}` link: {where} answered {got!r}, expected null"
                )
            continue
        if not isinstance(got, str):
            raise AssertionError(f"Wrong `{name}` link: {where} answered {got!r}, expected a URL")
        parsed = _link(got)
        if parsed != expected:
            raise AssertionError(
                f"Wrong `{name}` link: {where} answered {got!r}; expected origin "
                f"{expected['origin']}, path {expected['path']!r} and the query "
                f"{expected['query']} with its keys sorted"
            )
    return None


@schemathesis.check
def created_at_is_utc(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """`created_at` is ISO-8601 in UTC with a `Z` (§2)."""
    checked = False
    for experiment in _experiments(case, response):
        value = experiment.get("created_at")
        if not isinstance(value, str) or not CREATED_AT_FORMAT.fullmatch(value):
            raise AssertionError(
                f"created_at not UTC with Z: experiment {experiment.get('id')} has created_at "
                f"{value!r} in the answer to {case.method.upper()} {case.formatted_path}"
            )
        checked = True
    return None if checked else NOT_APPLICABLE


def _resend_with_key(response: Response, key: str) -> tuple[int, dict[str, Any]]:
    state = runtime.current()
    request = response.request.copy()
    request.headers["Authorization"] = f"Bearer {key}"
    resent = state.session.send(request, timeout=30)
    return resent.status_code, json_object(resent)


@schemathesis.check
def scope_enforced(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """A read-only key cannot write but reads; a key without experiment scopes cannot read (§9)."""
    state = runtime.current()
    settings = state.settings
    method = case.method.upper()
    if not 200 <= response.status_code < 300 or method not in ("GET", *WRITE_METHODS):
        return NOT_APPLICABLE
    label = f"{method} {case.path}"
    checks: list[tuple[str, str, str | None]] = []
    if settings.read_only_key:
        forbidden = None if method == "GET" else WRITE_SCOPE_DETAIL
        checks.append(("read-only", settings.read_only_key, forbidden))
    if settings.no_scope_key and method == "GET":
        checks.append(("scope-less", settings.no_scope_key, READ_SCOPE_DETAIL))
    done = False
    for kind, key, forbidden_detail in checks:
        if (label, kind) in state.observed.scope_checked:
            continue
        state.observed.scope_checked.add((label, kind))
        status, body = _resend_with_key(response, key)
        done = True
        if forbidden_detail is None:
            if status != response.status_code:
                raise AssertionError(
                    f"Scope not honoured: a {kind} key got {status} for {label}, "
                    f"the full key got {response.status_code}"
                )
            continue
        detail = body.get("detail")
        if status != 403 or detail != forbidden_detail:
            raise AssertionError(
                f"Scope not enforced: a {kind} key got {status} {detail!r} for {label}; "
                f"expected 403 {forbidden_detail!r}"
            )
    return None if done else NOT_APPLICABLE


@schemathesis.check
def deleted_is_gone(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """After a 204 DELETE the id answers 404 everywhere and is absent from the list (§6)."""
    if case.method.upper() != "DELETE" or response.status_code != 204:
        return NOT_APPLICABLE
    state = runtime.current()
    experiment_id_raw = (case.path_parameters or {}).get("id")
    try:
        experiment_id = int(str(experiment_id_raw))
    except ValueError:
        return NOT_APPLICABLE
    state.observed.variants.pop(experiment_id, None)
    item_url = str(response.request.url)
    headers = {"Authorization": str(response.request.headers.get("Authorization", ""))}
    probes = [
        ("GET", None),
        ("PATCH", {"variants": {"control": {"rollout_percentage": 100}}}),
        ("DELETE", None),
    ]
    for method, payload in probes:
        probe = state.session.request(method, item_url, json=payload, headers=headers, timeout=30)
        detail = json_object(probe).get("detail")
        if probe.status_code != 404 or detail != "Not found.":
            raise AssertionError(
                f"Deleted experiment not gone: {method} {case.formatted_path} after DELETE "
                f"answered {probe.status_code} {detail!r}, expected 404 'Not found.'"
            )
    list_url = item_url.rsplit("/", 2)[0] + "/"
    url: str | None = list_url + "?limit=500"
    for _ in range(20):
        if url is None:
            break
        try:
            page = state.session.get(url, headers=headers, timeout=30)
        except UnsafeRequestRefusedError:
            break  # a `next` link off the target; pagination_links reports it
        body = page.json() if page.status_code == 200 else {}
        ids = [item.get("id") for item in body.get("results", []) if isinstance(item, dict)]
        if experiment_id in ids:
            raise AssertionError(
                f"Deleted experiment not gone: experiment {experiment_id} is still listed by "
                f"GET {urlsplit(url).path}?{urlsplit(url).query} after DELETE answered 204"
            )
        next_url = body.get("next")
        url = next_url if isinstance(next_url, str) else None
    return None
