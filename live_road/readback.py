"""Read-back after every write a live server accepted: on a failed read, delete it at once."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

import requests

from live_road.bodies import body_hazards, smallest_breaking_body
from live_road.facts import (
    FLAG_NAME_PREFIX,
    as_id,
    created_id,
    experiment_path_parts,
    network_reason,
    segment_id,
)
from live_road.journal import CreatedExperiment, ReadBreak
from live_road.policy import UnsafeRequestRefusedError

if TYPE_CHECKING:
    from live_road.transport import GuardedTransport

READ_BACK_PAGE = 100
MAX_PAGES = 10


def read(
    transport: GuardedTransport, url: str, headers: Mapping[str, str]
) -> tuple[str | None, Mapping[str, Any]]:
    """GET `url`: (None, its JSON object) when it answered below 500 with JSON, else what failed."""
    parts = urlsplit(url)
    label = f"GET {parts.path}" + (f"?{parts.query}" if parts.query else "")
    try:
        response = transport.request("GET", url, headers)
    except UnsafeRequestRefusedError:
        return None, {}
    except requests.RequestException as error:
        return f"{label}: no answer ({network_reason(error)})", {}
    if response.status_code >= 500:
        return f"{label} answered {response.status_code}", {}
    try:
        body = response.json()
    except ValueError:
        return f"{label} answered {response.status_code} with a body that is not JSON", {}
    return None, body if isinstance(body, dict) else {}


def pages(
    transport: GuardedTransport,
    url: str,
    headers: Mapping[str, str],
    max_pages: int | None = None,
) -> Iterator[tuple[str | None, Mapping[str, Any]]]:
    """Each page of a list (following `next`): (None, page) or (what failed, {}) and stop."""
    next_url: str | None = url
    count = 0
    while next_url is not None and (max_pages is None or count < max_pages):
        failure, body = read(transport, next_url, headers)
        count += 1
        yield failure, body
        if failure is not None:
            return
        link = body.get("next")
        next_url = link if isinstance(link, str) else None


def check(
    transport: GuardedTransport,
    method: str,
    url: str,
    request: requests.PreparedRequest,
    response: requests.Response,
) -> None:
    """After a write PostHog accepted, read it back; on a failed read, delete it at once."""
    target, journal = transport.target, transport.journal
    parts = experiment_path_parts(urlsplit(url).path, target.base_url)
    if parts is None or method not in ("POST", "PUT", "PATCH"):
        return
    _, raw_id = parts
    headers = {"Authorization": str(request.headers.get("Authorization", ""))}
    if raw_id is None and response.status_code >= 500:
        experiment_id = _find_stored_create(transport, request, headers)
        if experiment_id is None:
            return
    elif not 200 <= response.status_code < 300:
        return
    else:
        experiment_id = created_id(response) if raw_id is None else segment_id(raw_id)
    if experiment_id is None or not journal.owns(experiment_id):
        return
    item_url = target.url(f"{target.collection_path}{experiment_id}/")
    failure, _ = read(transport, item_url, headers)
    if failure is None:
        failure = failed_list_read(transport, experiment_id, headers)
    if failure is None:
        return
    deleted = False
    with contextlib.suppress(requests.RequestException):
        deleted = transport.request("DELETE", item_url, headers).status_code in (204, 404)
    after = failed_list_read(transport, experiment_id, headers)
    journal.read_breaks.append(
        ReadBreak(
            experiment_id=experiment_id,
            write=f"{method} {urlsplit(url).path}",
            write_status=response.status_code,
            read=failure,
            hazards=body_hazards(request.body),
            smallest_body=smallest_breaking_body(request.body),
            deleted=deleted,
            list_after="200" if after is None else after,
        )
    )
    journal.save()


def _find_stored_create(
    transport: GuardedTransport, request: requests.PreparedRequest, headers: Mapping[str, str]
) -> int | None:
    """After a create answered 5xx: the id of what it stored, journaled as this run's.

    Looked for in the list (exact name, id above the create's floor); when the list itself
    fails, in the flags (PostHog names a web experiment's flag after it and links it).
    With neither, the break is recorded without an id, so the summary names the create.
    """
    from live_road.transport import sent_name  # noqa: PLC0415 - the transport imports this

    target, journal = transport.target, transport.journal
    name = sent_name(request.body)
    pending = next((p for p in journal.pending if p.name == name), None)
    if pending is None or pending.id_floor is None:
        return None
    floor = pending.id_floor
    found: int | None = None
    found_key = ""
    list_url = target.url(f"{target.collection_path}?limit={READ_BACK_PAGE}")
    failure, body = read(transport, list_url, headers)
    if failure is None:
        for item in body.get("results", []):
            if isinstance(item, dict) and item.get("name") == name:
                candidate = as_id(item.get("id"))
                if candidate is not None and candidate > floor:
                    found, found_key = candidate, str(item.get("feature_flag_key", ""))
    else:
        query = urlencode({"search": name or ""})
        flags_failure, flags = read(transport, target.url(f"{target.flags_path}?{query}"), headers)
        for item in flags.get("results", []) if flags_failure is None else []:
            if isinstance(item, dict) and item.get("name") == f"{FLAG_NAME_PREFIX}{name}":
                linked = item.get("experiment_set")
                for candidate in linked if isinstance(linked, list) else []:
                    candidate_id = as_id(candidate)
                    if candidate_id is not None and candidate_id > floor:
                        found, found_key = candidate_id, str(item.get("key", ""))
    if found is None:
        if failure is not None:
            journal.read_breaks.append(
                ReadBreak(
                    experiment_id=None,
                    write=f"POST {urlsplit(str(request.url)).path} (name {name!r})",
                    write_status=pending.answered or 0,
                    read=failure,
                    hazards=body_hazards(request.body),
                    smallest_body=smallest_breaking_body(request.body),
                    deleted=False,
                    list_after=failure,
                )
            )
            journal.save()
        return None
    journal.created[found] = CreatedExperiment(
        id=found,
        feature_flag_key=found_key,
        name=name or "",
        project=pending.project,
        tool=pending.tool,
    )
    journal.pending.remove(pending)
    journal.save()
    return found


def failed_list_read(
    transport: GuardedTransport, experiment_id: int, headers: Mapping[str, str]
) -> str | None:
    """Read the list pages up to the one holding the experiment; say how a read failed."""
    target = transport.target
    url = target.url(f"{target.collection_path}?limit={READ_BACK_PAGE}")
    for failure, body in pages(transport, url, headers, MAX_PAGES):
        if failure is not None:
            return failure
        ids = [as_id(i.get("id")) for i in body.get("results", []) if isinstance(i, dict)]
        if experiment_id in ids:
            return None
    return None
