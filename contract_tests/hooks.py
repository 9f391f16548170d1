"""Schemathesis hooks: keep negative data negative, make positive data semantically valid, and
steer every write to an experiment this run created."""

from __future__ import annotations

import functools
import hashlib
import re
import shlex
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
import schemathesis
from schemathesis import Case, HookContext, Response
from schemathesis.checks import CheckResult
from schemathesis.core.parameters import ParameterLocation
from schemathesis.engine import Status
from schemathesis.generation.meta import TestPhase
from schemathesis.schemas import BaseSchema

from contract_tests import runtime
from contract_tests.bodies import semantically_valid_body
from contract_tests.reference import body_verdict, malformed_cause
from contract_tests.results import CheckFailure, category_of
from live_road.facts import WRITE_METHODS, segment_id
from posthog_mock.hazards import make_safe

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
LIST_METHODS = frozenset({"GET", "POST", "HEAD", "OPTIONS", "TRACE"})
VALID_PROJECT_ID = re.compile(r"@current|[0-9]+")
# Positive writes keep this many experiments of the run alive to aim at.
POOL_SIZE = 2


def _is_negative(case: Case[Any], location: ParameterLocation) -> bool:
    meta = case.meta
    return meta is not None and meta.is_negative_at(location)


def keep_truly_negative(context: HookContext | None, case: Case[Any]) -> bool:
    """Keep a negative case only when PostHog really rejects it, so a 2xx is a real finding.

    Dropped: negative bodies PostHog accepts by documented leniency (§2 numbers as names, names
    trimmed before the length check; §4 unenforced conventional keys); negative path parameters
    that are valid once percent-decoded (the coverage phase encodes `@current` as `%40current`
    and then counts it as a pattern violation); writes other than POST to the list, which the
    guard refuses because they could address many experiments on a server that is not PostHog.
    """
    method = case.method.upper()
    if "{id}" not in case.path and method not in LIST_METHODS:
        return False
    if method in BODY_METHODS and _is_negative(case, ParameterLocation.BODY):
        return body_verdict(case.body, method) == "reject"
    if _is_negative(case, ParameterLocation.PATH):
        return not path_is_valid(case.path_parameters or {})
    return True


def path_is_valid(path_parameters: dict[str, Any]) -> bool:
    """Whether PostHog would route these path parameters to a project and an experiment id."""
    project_id = path_parameters.get("project_id")
    if project_id is not None and not VALID_PROJECT_ID.fullmatch(unquote(str(project_id))):
        return False
    experiment_id = path_parameters.get("id")
    return experiment_id is None or segment_id(str(experiment_id)) is not None


def _in_stateful_phase(case: Case[Any]) -> bool:
    meta = case.meta
    return meta is not None and meta.phase.name == TestPhase.STATEFUL


def _pick(ids: list[int], seed_value: object) -> int:
    digest = hashlib.sha256(repr(seed_value).encode()).digest()
    return ids[int.from_bytes(digest[:4], "big") % len(ids)]


def steer(context: HookContext, case: Case[Any], kwargs: dict[str, Any]) -> None:
    """`before_call` hook, in every phase, right before a case is sent: fix the project, aim
    item operations at owned experiments, make positive bodies valid."""
    state = runtime.current()
    settings = state.settings
    method = case.method.upper()
    path_parameters: dict[str, Any] = case.path_parameters or {}
    project_id = path_parameters.get("project_id")
    if project_id is not None and VALID_PROJECT_ID.fullmatch(unquote(str(project_id))):
        # Every valid project id becomes the configured one; invalid ones stay, to see 404s.
        path_parameters["project_id"] = settings.project_id
    if method == "GET" and "{id}" not in case.path and not _in_stateful_phase(case):
        # A list with experiments in it has links and items to check, even when listing first.
        state.ensure_pool(POOL_SIZE)
    generated = path_parameters.get("id")
    addressed = None if generated is None else segment_id(str(generated))
    if addressed is not None:
        if _in_stateful_phase(case):
            # Ids from links are this run's own; any other id goes to the tombstone, which
            # answers 404 every time, so scenarios replay identically (Hypothesis requires it).
            if addressed not in state.owned_ids() and state.tombstone_id is not None:
                path_parameters["id"] = state.tombstone_id
        else:
            # Writes aim at live experiments of this run; reads also at deleted ones (404s).
            if method in WRITE_METHODS:
                state.ensure_pool(POOL_SIZE)
                candidates = state.owned_live_ids() or state.owned_ids()
            else:
                candidates = state.owned_ids()
            if candidates and addressed not in candidates:
                path_parameters["id"] = _pick(candidates, generated)
    if method in BODY_METHODS and not _is_negative(case, ParameterLocation.BODY):
        case.body = semantically_valid_body(case.body, method, settings.prefix)  # type: ignore[assignment]
    elif method in BODY_METHODS and settings.mode == "live" and not settings.destructive_probes:
        # A negative body PostHog wrongly accepts is stored: it must be readable too.
        case.body = make_safe(case.body)


def operation_name(case: Case[Any]) -> str:
    """The operationId of the case's operation, or its `METHOD /path` label."""
    operation_id = case.operation.definition.raw.get("operationId")
    return operation_id if isinstance(operation_id, str) else case.operation.label


def record_check_results(
    context: HookContext, case: Case[Any], response: Response, results: list[CheckResult]
) -> None:
    """`after_validate` hook: record every check's outcome, and each failure with its evidence.

    Runs for each response in every phase; a stateful step's response counts for the operation
    that step called. A failure on a 5xx answer is recorded as the server's defect.
    """
    state = runtime.current()
    record = state.record
    operation = operation_name(case)
    for result in results:
        failed = result.status == Status.FAILURE
        defect = failed and response.status_code >= 500
        record.matrix.record(operation, result.name, failed=failed, defect=defect)
        if failed and result.failure is not None:
            sends_body = case.method.upper() in BODY_METHODS
            reproduced = reproduced_by_mock(state.settings.base_url, response) if defect else None
            recorded = record.add_failure(
                CheckFailure(
                    operation=operation,
                    check=result.name,
                    category=category_of(response.status_code),
                    phase=_phase(case),
                    status_code=response.status_code,
                    title=result.failure.title,
                    message=result.failure.message,
                    request=f"{case.method.upper()} {_path_and_query(response)}",
                    cause=malformed_cause(case.body) if sends_body else "-",
                    curl=curl_line(response, state.settings.api_key),
                    test=test_name(case),
                    known=reproduced is not None,
                    known_as="" if reproduced is None else f"reproduced by the mock: {reproduced}",
                )
            )
            state.test_failures.append(recorded)


def _phase(case: Case[Any]) -> str:
    meta = case.meta
    return str(meta.phase.name.value) if meta is not None else "unknown"


# One client for every look at the mock's defect list (a client per 5xx would build a TLS
# context each time, ~10 ms).
@functools.cache
def _mock_client() -> httpx.Client:
    # Made at the first 5xx only: a run that meets none builds no TLS context for it.
    return httpx.Client(timeout=10)


def reproduced_by_mock(base_url: str, response: Response) -> str | None:
    """The PostHog defect a posthog_mock reproduced on purpose with this 5xx, or None.

    The mock lists every answer in which it reproduces one of PostHog's own 500s at
    `/_mock/posthog_defects`, with the defect's name; a 5xx it does not list (a bug of the mock,
    or of whatever stands between) stays a new defect. A server that is no posthog_mock has no
    such list.
    """
    try:
        listed = _mock_client().get(f"{base_url}/_mock/posthog_defects").json()["defects"]
    except (httpx.HTTPError, ValueError, KeyError, TypeError):
        return None
    method = (response.request.method or "").upper()
    path = unquote(_path_and_query(response))
    # Newest first: the answer just checked is the latest the mock listed for its request line.
    for entry in reversed(listed):
        if isinstance(entry, dict) and (
            entry.get("method"),
            unquote(str(entry.get("path"))),
            entry.get("status"),
        ) == (method, path, response.status_code):
            return str(entry.get("defect") or f"PostHog's {response.status_code}")
    return None


def _path_and_query(response: Response) -> str:
    parts = urlsplit(str(response.request.url))
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_name(case: Case[Any]) -> str:
    """The suite test that sent the case, as `--only` takes it."""
    if _in_stateful_phase(case):
        return "TestStateful::runTest"
    return f"test_operation[{case.method.upper()} {case.path}]"


def curl_line(response: Response, api_key: str) -> str:
    """A curl command that repeats the request as it was sent, the key shown as [Filtered]."""
    request = response.request
    parts = ["curl", "-X", str(request.method), str(request.url)]
    for name in ("Authorization", "Content-Type"):
        value = request.headers.get(name)
        if value:
            parts += ["-H", f"{name}: {value}"]
    body = request.body
    if body:
        parts += ["-d", body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)]
    line = shlex.join(parts)
    return line.replace(api_key, "[Filtered]") if api_key else line


def install(schema: BaseSchema) -> None:
    """Register the hooks: filtering and recording on `schema`, steering globally.

    `before_call` is global: schemathesis dispatches it from the global registry only.
    """
    schema.hook("filter_case")(keep_truly_negative)
    schema.hook("after_validate")(record_check_results)
    schemathesis.hook("before_call")(steer)
