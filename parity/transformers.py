"""Named transformers: turn a target's raw exchanges into stable JSON that any target shares.

Each transformer has a name (kept in the snapshot, so a reader knows what was replaced) and
works on the whole list of a scenario's exchanges, so numbering is per scenario and stable.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Final
from urllib.parse import urlsplit

from live_road.facts import THROTTLE_WAIT
from parity.targets import ParityTarget

_FLAG_SUFFIX: Final = re.compile(r"(web-experiment-feature-)[0-9a-f]{10}\b")
_ISO_DATETIME: Final = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
_HTTP_DATE: Final = re.compile(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$")
_EXPERIMENT_IN_URL: Final = re.compile(r"(/web_experiments/)(\d+)(?=[/?]|$)")
# PostHog's `api_not_found` view (every unknown `/api/` path) allows these methods; DRF keeps them
# in a set, so the order of its `Allow` follows the worker process' string hash seed.
NOT_FOUND_VIEW_METHODS: Final = frozenset(
    {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
)
# A server-made timestamp is one close to the run; those a request sets are far in the past.
RECENT: Final = timedelta(days=2)


@dataclass(frozen=True)
class Transformer:
    """A named normaliser of a scenario's exchanges (JSON values, changed in place)."""

    name: str
    description: str
    apply: Callable[[list[dict[str, Any]], ParityTarget], None]


def _walk_strings(value: Any, change: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list):
        return [_walk_strings(item, change) for item in value]
    if isinstance(value, dict):
        return {key: _walk_strings(item, change) for key, item in value.items()}
    return value


def _responses(exchanges: list[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    for exchange in exchanges:
        response = exchange["response"]
        if "last" in response:
            yield response["last"]
        else:
            yield response


def _map_response_strings(exchanges: list[dict[str, Any]], change: Callable[[str], str]) -> None:
    for response in _responses(exchanges):
        response["headers"] = _walk_strings(response["headers"], change)
        response["body"] = _walk_strings(response["body"], change)


def replace_hosts(exchanges: list[dict[str, Any]], target: ParityTarget) -> None:
    """Replace the target's host:port after any scheme (`http://h:p` → `http://<host>`)."""
    netlocs = [
        urlsplit(base).netloc for base in (target.base_url, target.throttled_base_url) if base
    ]

    def change(text: str) -> str:
        for netloc in netlocs:
            text = text.replace(f"://{netloc}", "://<host>")
        return text

    _map_response_strings(exchanges, change)


def replace_project_ids(exchanges: list[dict[str, Any]], target: ParityTarget) -> None:
    """Replace project ids in URLs and details by `<project.role>`."""
    by_id = {value: role for role, value in target.projects.items()}
    url_pattern = re.compile(r"/api/projects/(\d+)/")
    detail_pattern = re.compile(r"\bID (\d+)\.")

    def change(text: str) -> str:
        def url(match: re.Match[str]) -> str:
            role = by_id.get(match.group(1))
            return match.group(0) if role is None else f"/api/projects/<project.{role}>/"

        def detail(match: re.Match[str]) -> str:
            role = by_id.get(match.group(1))
            return match.group(0) if role is None else f"ID <project.{role}>."

        return detail_pattern.sub(detail, url_pattern.sub(url, text))

    _map_response_strings(exchanges, change)


def label_ids(value: Any, label: Callable[[int], str]) -> Any:
    """Replace every experiment id in a JSON value (`id` fields, ids in URLs) by its label."""
    if isinstance(value, dict):
        return {
            key: label(item)
            if key == "id" and isinstance(item, int) and not isinstance(item, bool)
            else label_ids(item, label)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [label_ids(item, label) for item in value]
    if isinstance(value, str):
        return _EXPERIMENT_IN_URL.sub(lambda m: m.group(1) + label(int(m.group(2))), value)
    return value


def replace_experiment_ids(exchanges: list[dict[str, Any]], _target: ParityTarget) -> None:
    """Replace experiment ids by `<id:N>`, numbered by first appearance, also inside URLs."""
    numbers: dict[int, str] = {}

    def placeholder(value: int) -> str:
        return numbers.setdefault(value, f"<id:{len(numbers) + 1}>")

    for response in _responses(exchanges):
        response["body"] = label_ids(response["body"], placeholder)


def replace_flag_key_suffixes(exchanges: list[dict[str, Any]], _target: ParityTarget) -> None:
    """Replace the 10 random hex characters ending a web experiment's flag key by `<suffix>`."""
    _map_response_strings(exchanges, lambda text: _FLAG_SUFFIX.sub(r"\1<suffix>", text))


def replace_recent_timestamps(exchanges: list[dict[str, Any]], _target: ParityTarget) -> None:
    """Replace timestamps the server made (within 2 days of now) by `<now>`; keep ones sent."""
    now = datetime.now(UTC)

    def change(text: str) -> str:
        if _HTTP_DATE.match(text):
            # An HTTP date (`Expires` of Django's never-cache headers).
            moment = parsedate_to_datetime(text)
            return "<now>" if abs(now - moment) < RECENT else text
        if not _ISO_DATETIME.match(text):
            return text
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return "<now>" if abs(now - moment) < RECENT else text

    _map_response_strings(exchanges, change)


def replace_throttle_waits(exchanges: list[dict[str, Any]], _target: ParityTarget) -> None:
    """Replace the wait of a 429 (`Expected available in 37 seconds.`, `Retry-After`) by `<n>`."""
    _map_response_strings(
        exchanges, lambda text: THROTTLE_WAIT.sub("available in <n> seconds", text)
    )
    for response in _responses(exchanges):
        if "retry-after" in response["headers"]:
            response["headers"]["retry-after"] = "<n>"


def replace_hash_ordered_allow(exchanges: list[dict[str, Any]], _target: ParityTarget) -> None:
    """Replace the `Allow` of PostHog's unknown-path view, in hash-seed order, by a sorted set."""
    for response in _responses(exchanges):
        allow = response["headers"].get("allow")
        if allow is not None and set(allow.split(", ")) == NOT_FOUND_VIEW_METHODS:
            response["headers"]["allow"] = (
                "<any order: " + ", ".join(sorted(allow.split(", "))) + ">"
            )


TRANSFORMERS: Final = (
    Transformer("host", "scheme://host:port of the target → <host>", replace_hosts),
    Transformer(
        "project_ids", "project ids in URLs and details → <project.role>", replace_project_ids
    ),
    Transformer(
        "experiment_ids", "experiment ids, numbered per scenario → <id:N>", replace_experiment_ids
    ),
    Transformer("flag_key_suffix", "random flag key suffix → <suffix>", replace_flag_key_suffixes),
    Transformer("timestamps", "timestamps made by the server → <now>", replace_recent_timestamps),
    Transformer("throttle_wait", "seconds to wait in a 429 detail → <n>", replace_throttle_waits),
    Transformer(
        "allow_set_order",
        "the Allow of PostHog's unknown-path view, ordered by the process' hash seed → sorted",
        replace_hash_ordered_allow,
    ),
)


def normalise(
    exchanges: list[dict[str, Any]],
    target: ParityTarget,
    transformers: Iterable[Transformer] = TRANSFORMERS,
) -> list[dict[str, Any]]:
    """Apply the transformers, in order, to a copy of the exchanges."""
    result = copy.deepcopy(exchanges)
    for transformer in transformers:
        transformer.apply(result, target)
    return result


# The list, also as `web_experiments.json` (PostHog's format suffix; other formats are 404).
_LIST_TEMPLATE: Final = re.compile(
    r"^/api/projects/(?:\{project\.(?P<role>\w+)\}|(?P<current>@current))"
    r"/web_experiments(?:\.json)?/?(?:\?|$)"
)


def only_the_runs_experiments(
    exchanges: list[dict[str, Any]], own: set[int], held: dict[str, int]
) -> None:
    """Make list pages of a project that held experiments show only what the run created.

    A live project may hold experiments no run made (`held`, by project role, counted before
    the run); the mock's holds none. Their items leave each page, `count` moves back by what
    the project held, and a `next` link past the run's own experiments goes; the run's own
    experiments, the newest, come first on either server, so the rest of each page is alike.
    """
    for exchange in exchanges:
        match = _LIST_TEMPLATE.match(str(exchange["request"].get("path", "")))
        # `@current` and the forms of the main project's id (`main_plus`) list the main one.
        role = "" if match is None else match["role"] or match["current"]
        role = "main" if role in ("current", "@current") or role.startswith("main_") else role
        if not held.get(role):
            continue
        for response in _responses([exchange]):
            body = response.get("body")
            if not isinstance(body, dict) or not isinstance(body.get("results"), list):
                continue
            body["results"] = [
                item
                for item in body["results"]
                if not isinstance(item, dict) or item.get("id") in own
            ]
            count = body.get("count")
            if isinstance(count, int) and not isinstance(count, bool):
                body["count"] = count - held[role]
                link = body.get("next")
                if isinstance(link, str) and _offset(link) >= body["count"]:
                    body["next"] = None


def _offset(link: str) -> int:
    query = dict(part.split("=", 1) for part in urlsplit(link).query.split("&") if "=" in part)
    try:
        return int(query.get("offset", "0"))
    except ValueError:
        return 0
