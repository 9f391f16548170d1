"""The one transport every request of the suite goes through: safety rules, pacing, 429 waits."""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

import requests

from posthog_mock.hazards import (
    LIST_BREAKING_OBJECT_DEPTH,
    NESTING_TOO_DEEP,
    NUMBER_BEYOND_64_BITS,
    HazardClass,
    number_breaks_reads,
    object_depth,
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "QUERY"})
THROTTLE_WAIT = re.compile(r"available in (\d+(?:\.\d+)?) seconds?")
MAX_THROTTLE_RETRIES = 5
MAX_THROTTLE_WAIT_SECONDS = 120.0


class UnsafeRequestRefusedError(RuntimeError):
    """The suite tried to write something it does not own; the request was not sent."""


class CreateBudgetExhaustedError(UnsafeRequestRefusedError):
    """The run already created as many experiments as it may; the POST was not sent."""


@dataclass
class CreatedExperiment:
    """An experiment this run created, with the flag PostHog keeps after its deletion."""

    id: int
    feature_flag_key: str
    name: str
    deleted: bool = False
    flag_deleted: bool = False


@dataclass
class PendingCreate:
    """A create about to be sent (journaled first), until its answer says what it created.

    `name` is the name as PostHog stores it (trimmed), `id_floor` the highest experiment id
    the run knew of when it sent the create: whatever it stored has a higher id.
    """

    name: str | None
    sent_at: str
    id_floor: int | None
    answered: int | None = None


@dataclass
class ReadBreak:
    """A write PostHog accepted after which reading the experiment or its list failed."""

    experiment_id: int | None
    write: str
    write_status: int
    read: str
    hazards: list[str]
    smallest_body: str
    deleted: bool
    list_after: str


@dataclass
class Ledger:
    """What the run is creating, created, deleted and refused: a write-ahead journal on disk.

    Saved before every create is sent (the name it sends, when) and after every change, so a
    later run can finish the cleanup of a run that was killed at any point.
    """

    path: Path
    created: dict[int, CreatedExperiment] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    skipped_creates: int = 0
    untracked_creates: int = 0
    throttled_waits: list[float] = field(default_factory=list)
    requests_sent: int = 0
    pending: list[PendingCreate] = field(default_factory=list)
    id_floor: int | None = None
    read_breaks: list[ReadBreak] = field(default_factory=list)
    # Flags the run may soft-delete: id -> key, each checked (key, inactive, no foreign link).
    cleanable_flags: dict[int, str] = field(default_factory=dict)
    flag_scope_missing: bool = False
    # Deleted experiments of earlier runs whose flags are still to soft-delete.
    earlier: list[CreatedExperiment] = field(default_factory=list)

    def owns(self, experiment_id: int) -> bool:
        """Whether this run created the experiment."""
        return experiment_id in self.created

    def live_ids(self) -> list[int]:
        """Experiments this run created and has not deleted yet."""
        return [e.id for e in self.created.values() if not e.deleted]

    @property
    def suspect_names(self) -> list[str]:
        """Names of creates sent whose answer gave no id: PostHog may have stored them."""
        return [p.name for p in self.pending if p.name is not None]

    def highest_known_id(self) -> int | None:
        """The highest experiment id the run knows exists: a floor for whatever it creates next."""
        known = [*self.created, *([] if self.id_floor is None else [self.id_floor])]
        return max(known) if known else None

    def flag_owners(self) -> list[CreatedExperiment]:
        """Experiments of this run and deleted ones of earlier runs, whose flags are ours."""
        return [*self.earlier, *self.created.values()]

    def flags_left(self) -> list[str]:
        """Flag keys of the run's experiments (and earlier runs') not soft-deleted (yet)."""
        return [
            e.feature_flag_key
            for e in self.flag_owners()
            if e.feature_flag_key and not e.flag_deleted
        ]

    def unfinished(self) -> bool:
        """Whether anything of this journal is still to clean: experiments, pending creates."""
        return bool(self.live_ids() or self.pending)

    def save(self) -> None:
        """Write the ledger as JSON next to the reports, atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "created": [asdict(e) for e in self.created.values()],
            "pending": [asdict(p) for p in self.pending],
            "id_floor": self.id_floor,
            "refused": self.refused,
            "skipped_creates": self.skipped_creates,
            "untracked_creates": self.untracked_creates,
            "throttled_waits": self.throttled_waits,
            "requests_sent": self.requests_sent,
            "read_breaks": [asdict(r) for r in self.read_breaks],
            "cleanable_flags": {str(k): v for k, v in self.cleanable_flags.items()},
            "flag_scope_missing": self.flag_scope_missing,
            "earlier": [asdict(e) for e in self.earlier],
        }
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
        tmp.replace(self.path)

    @classmethod
    def load(cls, path: Path) -> Ledger:
        """Read a ledger written by `save`; an absent file is an empty ledger."""
        ledger = cls(path=path)
        if not path.exists():
            return ledger
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
        for item in data.get("created", []):
            experiment = CreatedExperiment(**item)
            ledger.created[experiment.id] = experiment
        ledger.pending = [PendingCreate(**item) for item in data.get("pending", [])]
        floor = data.get("id_floor")
        ledger.id_floor = floor if isinstance(floor, int) else None
        ledger.refused = list(data.get("refused", []))
        ledger.skipped_creates = int(data.get("skipped_creates", 0))
        ledger.untracked_creates = int(data.get("untracked_creates", 0))
        ledger.throttled_waits = [float(w) for w in data.get("throttled_waits", [])]
        ledger.requests_sent = int(data.get("requests_sent", 0))
        ledger.read_breaks = [ReadBreak(**item) for item in data.get("read_breaks", [])]
        ledger.cleanable_flags = {
            int(k): str(v) for k, v in data.get("cleanable_flags", {}).items()
        }
        ledger.flag_scope_missing = bool(data.get("flag_scope_missing", False))
        ledger.earlier = [CreatedExperiment(**item) for item in data.get("earlier", [])]
        return ledger


@dataclass(frozen=True)
class Target:
    """Where experiments live: the base URL and the project the suite may use."""

    base_url: str
    project_id: str

    @property
    def collection_path(self) -> str:
        """Path of the project's experiment list."""
        base_path = urlsplit(self.base_url).path.rstrip("/")
        return f"{base_path}/api/projects/{self.project_id}/web_experiments/"

    @property
    def flags_path(self) -> str:
        """Path of the project's feature flag list."""
        base_path = urlsplit(self.base_url).path.rstrip("/")
        return f"{base_path}/api/projects/{self.project_id}/feature_flags/"


def experiment_path_parts(path: str, base_url: str) -> tuple[str, str | None] | None:
    """Split an experiments URL path into (project_id, experiment id or None); None if not one."""
    base_path = re.escape(urlsplit(base_url).path.rstrip("/"))
    match = re.fullmatch(base_path + r"/api/projects/([^/]+)/web_experiments/?(?:([^/]+)/?)?", path)
    if match is None:
        return None
    return match.group(1), match.group(2)


def flag_path_parts(path: str, base_url: str) -> tuple[str, str | None] | None:
    """Split a feature flags URL path into (project_id, flag id or None); None if not one."""
    base_path = re.escape(urlsplit(base_url).path.rstrip("/"))
    match = re.fullmatch(base_path + r"/api/projects/([^/]+)/feature_flags/?(?:([^/]+)/?)?", path)
    if match is None:
        return None
    return match.group(1), match.group(2)


def addressed_experiment(raw_id: str) -> int | None:
    """The experiment id a path segment can reach, or None when it cannot be one.

    PostHog looks ids up with `int()`, which also accepts "+1", " 1", "0001" and "1_0", so every
    segment `int()` accepts counts as an id; anything else answers 404 and touches nothing.
    """
    try:
        return int(unquote(raw_id))
    except ValueError:
        return None


def throttle_wait_seconds(response: requests.Response) -> float:
    """How long a 429 asks to wait: `Retry-After` if present, else the number in `detail`."""
    retry_after = response.headers.get("Retry-After")
    if retry_after is not None:
        try:
            return min(float(retry_after), MAX_THROTTLE_WAIT_SECONDS)
        except ValueError:
            pass
    try:
        detail = str(response.json().get("detail", ""))
    except ValueError:
        detail = ""
    match = THROTTLE_WAIT.search(detail)
    return min(float(match.group(1)), MAX_THROTTLE_WAIT_SECONDS) if match else 1.0


class Pacer:
    """Spaces requests evenly so a run stays under a per-minute limit."""

    def __init__(
        self,
        requests_per_minute: int | None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 0.0 if not requests_per_minute else 60.0 / requests_per_minute
        self._clock = clock
        self._sleep = sleep
        self._next_slot = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Block until the next request may go out."""
        if self.interval == 0.0:
            return
        with self._lock:
            now = self._clock()
            if now < self._next_slot:
                self._sleep(self._next_slot - now)
                now = self._next_slot
            self._next_slot = now + self.interval


class GuardedSession(requests.Session):
    """A requests session that refuses writes to experiments this run did not create.

    With `read_back`, every write PostHog accepts is followed by reads of the experiment and
    of the list page that holds it; when one fails the experiment is deleted at once and the
    break recorded (`Ledger.read_breaks`). With `refuse_read_breaking`, a body holding a value
    PostHog is known to store but not read back (posthog_mock/hazards.py) is never sent.
    """

    def __init__(
        self,
        target: Target,
        ledger: Ledger,
        *,
        max_creates: int | None,
        pacer: Pacer,
        sleep: Callable[[float], None] = time.sleep,
        read_back: bool = False,
        refuse_read_breaking: bool = False,
    ) -> None:
        super().__init__()
        self.target = target
        self.ledger = ledger
        self.max_creates = max_creates
        self.pacer = pacer
        self._sleep = sleep
        self._target_origin = _origin(target.base_url)
        self.read_back = read_back
        self.refuse_read_breaking = refuse_read_breaking
        self._reading_back = False

    def creates_left(self) -> int | None:
        """How many more experiments the run may create (None: unbounded)."""
        if self.max_creates is None:
            return None
        used = len(self.ledger.created) + self.ledger.untracked_creates + len(self.ledger.pending)
        return max(self.max_creates - used, 0)

    def check_allowed(self, method: str, url: str, body: bytes | str | None = None) -> None:
        """Raise if sending `method url` (with `body`) could harm what this run does not own."""
        method = method.upper()
        if _origin(url) != self._target_origin:
            self._refuse(f"{method} {url}: not the target {self.target.base_url}")
        if method in SAFE_METHODS:
            return
        path = urlsplit(url).path
        parts = experiment_path_parts(path, self.target.base_url)
        if parts is None:
            self._check_flag_cleanup(method, url, path, body)
            return
        if self.refuse_read_breaking and method in ("POST", "PUT", "PATCH"):
            found = body_hazards(body)
            if found:
                self._refuse(
                    f"{method} {url}: the body holds values PostHog stores but cannot read"
                    f" back ({', '.join(found)}); only --destructive-probes sends them"
                )
        _, experiment_id = parts
        if experiment_id is None:
            if method != "POST":
                self._refuse(f"{method} {url}: only POST is sent to the experiment list")
            left = self.creates_left()
            if left is not None and left <= 0:
                self.ledger.refused.append(
                    f"{method} {url}: create budget of {self.max_creates} used"
                )
                self.ledger.save()
                raise CreateBudgetExhaustedError(
                    f"{method} {url} not sent: this run may create at most {self.max_creates}"
                    " experiments"
                )
            return
        addressed = addressed_experiment(experiment_id)
        if addressed is not None and not self.ledger.owns(addressed):
            self._refuse(
                f"{method} {url}: experiment {experiment_id!r} was not created by this run"
            )

    def _check_flag_cleanup(
        self, method: str, url: str, path: str, body: bytes | str | None
    ) -> None:
        """Allow exactly one write outside the experiments API: soft-deleting a flag of ours."""
        flag = flag_path_parts(path, self.target.base_url)
        if flag is None or method != "PATCH" or flag[1] is None:
            self._refuse(f"{method} {url}: writes outside the experiments API are never sent")
            return
        project_id, raw_flag_id = flag
        flag_id = addressed_experiment(raw_flag_id or "")
        if project_id != self.target.project_id or flag_id not in self.ledger.cleanable_flags:
            self._refuse(f"{method} {url}: flag {raw_flag_id!r} is not a checked flag of this run")
        if _json_body(body) != SOFT_DELETE:
            self._refuse(f"{method} {url}: a flag of this run is only ever sent {SOFT_DELETE}")

    def _refuse(self, reason: str) -> None:
        self.ledger.refused.append(reason)
        self.ledger.save()
        raise UnsafeRequestRefusedError(f"refused to send {reason}")

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        """Check, journal, pace and send one request; retry on 429; record; read back writes."""
        method = str(request.method or "GET").upper()
        url = str(request.url)
        self.check_allowed(method, url, request.body)
        pending = self._journal_create(method, url, request)
        try:
            for _ in range(MAX_THROTTLE_RETRIES + 1):
                self.pacer.wait()
                response = super().send(request, **kwargs)
                self.ledger.requests_sent += 1
                if response.status_code != 429:
                    break
                wait = throttle_wait_seconds(response)
                self.ledger.throttled_waits.append(wait)
                self._sleep(wait)
        except requests.RequestException:
            if pending is not None:
                self.ledger.save()  # the create may have been stored: it stays pending
            raise
        self._record(method, url, response, pending)
        if self.read_back and not self._reading_back:
            self._reading_back = True
            try:
                self._check_read_back(method, url, request, response)
            finally:
                self._reading_back = False
        return response

    def _journal_create(
        self, method: str, url: str, request: requests.PreparedRequest
    ) -> PendingCreate | None:
        """Write the create about to be sent to the journal, before it is sent."""
        parts = experiment_path_parts(urlsplit(url).path, self.target.base_url)
        if method != "POST" or parts is None or parts[1] is not None:
            return None
        name = _sent_name(request)
        if name is None:
            return None  # PostHog stores no experiment without a name it can read
        pending = PendingCreate(
            name=name,
            sent_at=datetime.now(UTC).isoformat(timespec="milliseconds"),
            id_floor=self.ledger.highest_known_id(),
        )
        self.ledger.pending.append(pending)
        self.ledger.save()
        return pending

    def _record(
        self,
        method: str,
        url: str,
        response: requests.Response,
        pending: PendingCreate | None = None,
    ) -> None:
        path = urlsplit(url).path
        parts = experiment_path_parts(path, self.target.base_url)
        if parts is None:
            if method == "GET" and response.status_code == 200:
                self._record_flags(path, response)
            return
        _, experiment_id = parts
        if method == "POST" and experiment_id is None:
            status = response.status_code
            if pending is not None:
                pending.answered = status
            # Any 2xx to a create may have created something, 201 or not: track it to delete it.
            if 200 <= status < 300:
                body = _json_object(response)
                created_id = _as_id(body.get("id"))
                if created_id is not None:
                    self.ledger.created[created_id] = CreatedExperiment(
                        id=created_id,
                        feature_flag_key=str(body.get("feature_flag_key", "")),
                        name=str(body.get("name", "")),
                    )
                else:
                    self.ledger.untracked_creates += 1
                if pending is not None:
                    self.ledger.pending.remove(pending)
            elif status < 500 and pending is not None:
                self.ledger.pending.remove(pending)  # a 4xx stored nothing
            self.ledger.save()
        elif method == "DELETE" and experiment_id is not None and response.status_code == 204:
            owned = self.ledger.created.get(addressed_experiment(experiment_id) or -1)
            if owned is not None:
                owned.deleted = True
                self.ledger.save()

    def _record_flags(self, path: str, response: requests.Response) -> None:
        """Note the flags of this run a flag listing shows, where they are safe to soft-delete."""
        flag = flag_path_parts(path, self.target.base_url)
        if flag is None or flag[0] != self.target.project_id or flag[1] is not None:
            return
        ours = {e.feature_flag_key: e for e in self.ledger.flag_owners() if e.feature_flag_key}
        changed = False
        for item in _json_object(response).get("results", []):
            if not isinstance(item, dict):
                continue
            flag_id, key = _as_id(item.get("id")), item.get("key")
            if flag_id is None or not isinstance(key, str) or key not in ours:
                continue
            linked = item.get("experiment_set")
            linked_ids = [_as_id(i) for i in linked] if isinstance(linked, list) else [None]
            if item.get("active") is False and all(
                i is not None and self.ledger.owns(i) for i in linked_ids
            ):
                self.ledger.cleanable_flags[flag_id] = key
                changed = True
        if changed:
            self.ledger.save()

    def _check_read_back(
        self,
        method: str,
        url: str,
        request: requests.PreparedRequest,
        response: requests.Response,
    ) -> None:
        """After a write PostHog accepted, read it back; on a failed read, delete it at once."""
        parts = experiment_path_parts(urlsplit(url).path, self.target.base_url)
        if parts is None or method not in ("POST", "PUT", "PATCH"):
            return
        _, raw_id = parts
        headers = {"Authorization": str(request.headers.get("Authorization", ""))}
        stored_after_5xx = raw_id is None and response.status_code >= 500
        if stored_after_5xx:
            experiment_id = self._find_stored_create(request, headers)
            if experiment_id is None:
                return
        elif not 200 <= response.status_code < 300:
            return
        else:
            experiment_id = (
                _as_id(_json_object(response).get("id"))
                if raw_id is None
                else addressed_experiment(raw_id)
            )
        if experiment_id is None or not self.ledger.owns(experiment_id):
            return
        item_url = f"{_base_origin(self.target.base_url)}{self.target.collection_path}"
        item_url += f"{experiment_id}/"
        failure, _ = _read(self, item_url, headers)
        if failure is None:
            failure = self._failed_list_read(experiment_id, headers)
        if failure is None:
            return
        deleted = False
        with contextlib.suppress(requests.RequestException):
            deleted = self.delete(item_url, headers=headers, timeout=30).status_code in (204, 404)
        after = self._failed_list_read(experiment_id, headers)
        self.ledger.read_breaks.append(
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
        self.ledger.save()

    def _find_stored_create(
        self, request: requests.PreparedRequest, headers: Mapping[str, str]
    ) -> int | None:
        """After a create answered 5xx: the id of what it stored, journaled as this run's.

        Looked for in the list (exact name, id above the create's floor); when the list itself
        fails, in the flags (PostHog names a web experiment's flag after it and links it).
        With neither, the break is recorded without an id, so the summary names the create.
        """
        name = _sent_name(request)
        pending = next((p for p in self.ledger.pending if p.name == name), None)
        if pending is None or pending.id_floor is None:
            return None
        floor = pending.id_floor
        origin = _base_origin(self.target.base_url)
        found: int | None = None
        found_key = ""
        failure, body = _read(self, f"{origin}{self.target.collection_path}?limit=100", headers)
        if failure is None:
            for item in body.get("results", []):
                if isinstance(item, dict) and item.get("name") == name:
                    candidate = _as_id(item.get("id"))
                    if candidate is not None and candidate > floor:
                        found, found_key = candidate, str(item.get("feature_flag_key", ""))
        else:
            query = urlencode({"search": name or ""})
            flags_failure, flags = _read(self, f"{origin}{self.target.flags_path}?{query}", headers)
            for item in flags.get("results", []) if flags_failure is None else []:
                if isinstance(item, dict) and item.get("name") == f"{FLAG_NAME_PREFIX}{name}":
                    linked = item.get("experiment_set")
                    for candidate in linked if isinstance(linked, list) else []:
                        candidate_id = _as_id(candidate)
                        if candidate_id is not None and candidate_id > floor:
                            found, found_key = candidate_id, str(item.get("key", ""))
        if found is None:
            if failure is not None:
                self.ledger.read_breaks.append(
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
                self.ledger.save()
            return None
        self.ledger.created[found] = CreatedExperiment(
            id=found, feature_flag_key=found_key, name=name or ""
        )
        self.ledger.pending.remove(pending)
        self.ledger.save()
        return found

    def _failed_list_read(self, experiment_id: int, headers: Mapping[str, str]) -> str | None:
        """Read the list pages up to the one holding the experiment; say how a read failed."""
        origin = _base_origin(self.target.base_url)
        url: str | None = f"{origin}{self.target.collection_path}?limit={READ_BACK_PAGE}"
        for _ in range(READ_BACK_MAX_PAGES):
            if url is None:
                return None
            failure, body = _read(self, url, headers)
            if failure is not None:
                return failure
            ids = [_as_id(i.get("id")) for i in body.get("results", []) if isinstance(i, dict)]
            if experiment_id in ids:
                return None
            next_url = body.get("next")
            url = next_url if isinstance(next_url, str) else None
        return None


READ_BACK_PAGE = 100
FLAG_NAME_PREFIX = "Feature Flag for Experiment "
READ_BACK_MAX_PAGES = 10
SOFT_DELETE: dict[str, Any] = {"deleted": True}


def _read(
    session: GuardedSession, url: str, headers: Mapping[str, str]
) -> tuple[str | None, Mapping[str, Any]]:
    """GET `url`: (None, its JSON object) when it answered below 500 with JSON, else what failed."""
    parts = urlsplit(url)
    label = f"GET {parts.path}" + (f"?{parts.query}" if parts.query else "")
    try:
        response = session.get(url, headers=dict(headers), timeout=30)
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


Location = tuple[str | int, ...]


def body_findings(body: object) -> list[tuple[HazardClass, Location]]:
    """The values of a request body PostHog would store but not read back, with their places.

    PostHog stores `variants` as they are sent (`name` becomes text), so only they can hold
    one: numbers outside what it renders, objects nested too deep (posthog_mock/hazards.py).
    """
    variants = body.get("variants") if isinstance(body, dict) else None
    if not isinstance(variants, dict | list):
        return []
    found: list[tuple[HazardClass, Location]] = []
    stack: list[tuple[object, Location]] = [(variants, ("variants",))]
    while stack:
        item, where = stack.pop()
        if isinstance(item, dict):
            stack.extend((child, (*where, str(key))) for key, child in item.items())
        elif isinstance(item, list):
            stack.extend((child, (*where, index)) for index, child in enumerate(item))
        elif number_breaks_reads(item):
            found.append((NUMBER_BEYOND_64_BITS, where))
    if object_depth(variants) >= LIST_BREAKING_OBJECT_DEPTH:
        found.append((NESTING_TOO_DEEP, ("variants",)))
    return sorted(found, key=lambda finding: [str(part) for part in finding[1]])


def json_path(where: Location) -> str:
    """A place in a JSON value as a path: `$.variants.control.x[0]`, `$["a b"]`."""
    text = "$"
    for part in where:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part.isidentifier():
            text += f".{part}"
        else:
            text += f"[{json.dumps(part)}]"
    return text


def body_hazards(body: bytes | str | None) -> list[str]:
    """The read-breaking values of a JSON request body, as `class at path`."""
    if not body:
        return []
    try:
        value = json.loads(body)
    except RecursionError:
        return [f"{NESTING_TOO_DEEP.name} at $"]
    except (ValueError, TypeError):
        return []
    return [f"{hazard.name} at {json_path(where)}" for hazard, where in body_findings(value)]


def smallest_breaking_body(body: bytes | str | None) -> str:
    """The least of a request body that shows each read-breaking value, as JSON text.

    Derived statically from the body that was sent (it is never re-sent to shrink it): each
    breaking value stays at its place, an object on the way keeps only the keys leading to
    one (plus `name`, and a variant its `rollout_percentage`), an array only such items.
    Without a known class to point at, it is the whole body.
    """
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else (body or "")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return text
    locations = [where for _, where in body_findings(value)]
    if not locations or not isinstance(value, dict):
        return text
    reduced = _keep(value, [list(where) for where in locations], role="body")
    if "name" in value:
        reduced = {"name": value["name"], **reduced}
    return json.dumps(reduced)


def _keep(value: Any, paths: list[list[str | int]], *, role: str) -> Any:
    """The parts of `value` on `paths`; `role` is what `value` is: body, variants, variant."""
    if any(not path for path in paths):
        return value
    if isinstance(value, dict):
        wanted = {str(path[0]) for path in paths}
        if role == "variant" and "rollout_percentage" in value:
            wanted.add("rollout_percentage")
        child_role = {"body": "top", "variants": "variant"}.get(role, "other")
        return {
            key: _keep(
                value[key],
                [p[1:] for p in paths if str(p[0]) == key],
                role="variants" if role == "body" and key == "variants" else child_role,
            )
            if any(str(p[0]) == key for p in paths)
            else value[key]
            for key in value
            if key in wanted
        }
    if isinstance(value, list):
        indexes = sorted({int(path[0]) for path in paths})
        return [_keep(value[i], [p[1:] for p in paths if p[0] == i], role="other") for i in indexes]
    return value


def posthog_cloud_host(base_url: str) -> str | None:
    """The host of `base_url` when it is PostHog Cloud (posthog.com or a subdomain), else None.

    Destructive probes are refused there: they store values that break every read of the
    project's web experiments until deleted.
    """
    host = (urlsplit(base_url).hostname or "").lower().rstrip(".")
    return host if host == "posthog.com" or host.endswith(".posthog.com") else None


def network_reason(error: BaseException) -> str:
    """The innermost cause of a requests error, e.g. `Connection refused`."""
    while error.__context__ is not None:
        error = error.__context__
    text = str(error)
    return text.rsplit("] ", 1)[-1] if "] " in text else text or type(error).__name__


def _sent_name(request: requests.PreparedRequest) -> str | None:
    """The `name` a create request sent, as PostHog would store it (trimmed), or None."""
    try:
        body = json.loads(request.body or b"")
    except (ValueError, TypeError, RecursionError):  # not JSON, or nested past what Python reads
        return None
    name = body.get("name") if isinstance(body, dict) else None
    if isinstance(name, bool) or not isinstance(name, str | int | float):
        return None
    return str(name).strip()


def adopt_suspects(session: GuardedSession, api_key: str) -> None:
    """Find experiments stored by creates that gave no id (5xx, killed run); journal them.

    Adopted (so deleted at cleanup) is only an experiment whose name is exactly one the run
    sent and whose id is above the highest id the run knew when it sent that create (ids only
    grow, so it did not exist before). When the project cannot be listed, the creates stay
    pending in the journal, for the summary to report and the next run to look for.
    """
    pending = [p for p in session.ledger.pending if p.name is not None and p.id_floor is not None]
    if not pending:
        return
    auth_headers = {"Authorization": f"Bearer {api_key}"}
    origin = _base_origin(session.target.base_url)
    url: str | None = f"{origin}{session.target.collection_path}?limit=200"
    adopted: dict[int, CreatedExperiment] = {}
    matched: set[int] = set()
    while url is not None:
        try:
            page = session.get(url, headers=auth_headers, timeout=30)
        except (requests.RequestException, UnsafeRequestRefusedError):
            return
        body = _json_object(page)
        if page.status_code != 200:
            return
        for item in body.get("results", []):
            if not isinstance(item, dict):
                continue
            experiment_id, name = _as_id(item.get("id")), item.get("name")
            if experiment_id is None or session.ledger.owns(experiment_id):
                continue
            for index, create in enumerate(pending):
                if name == create.name and experiment_id > (create.id_floor or 0):
                    matched.add(index)
                    adopted[experiment_id] = CreatedExperiment(
                        id=experiment_id,
                        feature_flag_key=str(item.get("feature_flag_key", "")),
                        name=str(name),
                    )
        next_url = body.get("next")
        url = next_url if isinstance(next_url, str) else None
    session.ledger.created.update(adopted)
    # Listed in full: a create not found stored nothing.
    for create in pending:
        session.ledger.pending.remove(create)
    session.ledger.save()


def highest_listed_id(session: GuardedSession, api_key: str) -> int | None:
    """The highest experiment id the project lists (every page): a floor for the run's creates.

    None when the project cannot be listed; the run then adopts no create without an id.
    """
    origin = _base_origin(session.target.base_url)
    url: str | None = f"{origin}{session.target.collection_path}?limit=200"
    highest: int | None = None
    headers = {"Authorization": f"Bearer {api_key}"}
    while url is not None:
        failure, body = _read(session, url, headers)
        if failure is not None:
            return None
        for item in body.get("results", []):
            experiment_id = _as_id(item.get("id")) if isinstance(item, dict) else None
            if experiment_id is not None and (highest is None or experiment_id > highest):
                highest = experiment_id
        next_url = body.get("next")
        url = next_url if isinstance(next_url, str) else None
    return highest if highest is not None else 0


def delete_flags(session: GuardedSession, api_key: str) -> list[str]:
    """Soft-delete the flags of this run's deleted experiments; return the keys left.

    PostHog keeps a web experiment's flag when the experiment is deleted and deletes a flag
    only by `PATCH {"deleted": true}` (DELETE answers 405), which needs `feature_flag:write`.
    A flag is touched only when a listing showed its exact key, inactive, linked to no
    experiment but this run's; the guard refuses any other flag write.
    """
    auth_headers = {"Authorization": f"Bearer {api_key}"}
    origin = _base_origin(session.target.base_url)
    ledger = session.ledger
    for experiment in ledger.flag_owners():
        key = experiment.feature_flag_key
        if not experiment.deleted or not key or experiment.flag_deleted:
            continue
        if ledger.flag_scope_missing:
            break
        url: str | None = f"{origin}{session.target.flags_path}?{urlencode({'search': key})}"
        listed = False
        for _ in range(READ_BACK_MAX_PAGES):
            if url is None:
                break
            try:
                page = session.get(url, headers=auth_headers, timeout=30)
            except (requests.RequestException, UnsafeRequestRefusedError):
                break
            if page.status_code == 403:
                ledger.flag_scope_missing = True
                ledger.save()
                break
            if page.status_code != 200:
                break
            body = _json_object(page)
            listed = listed or any(
                isinstance(item, dict) and item.get("key") == key
                for item in body.get("results", [])
            )
            next_url = body.get("next")
            url = next_url if isinstance(next_url, str) else None
        else:
            continue
        if ledger.flag_scope_missing or url is not None:
            continue
        if not listed:
            experiment.flag_deleted = True  # no such flag is left to delete
            ledger.save()
            continue
        for flag_id, flag_key in list(ledger.cleanable_flags.items()):
            if flag_key != key:
                continue
            flag_url = f"{origin}{session.target.flags_path}{flag_id}/"
            try:
                answer = session.patch(flag_url, json=SOFT_DELETE, headers=auth_headers, timeout=30)
            except (requests.RequestException, UnsafeRequestRefusedError):
                continue
            if answer.status_code == 403:
                ledger.flag_scope_missing = True
            elif answer.status_code in (200, 404):
                experiment.flag_deleted = True
                del ledger.cleanable_flags[flag_id]
            ledger.save()
    return ledger.flags_left()


def _json_body(body: bytes | str | None) -> Any:
    try:
        return json.loads(body or b"")
    except (ValueError, TypeError, RecursionError):
        return None


def _as_id(value: object) -> int | None:
    """An experiment id from a response, also when a broken server sends it as a string."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _json_object(response: requests.Response) -> Mapping[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def delete_leftovers(session: GuardedSession, api_key: str) -> list[int]:
    """Delete every experiment this run created and has not deleted; return the ids that failed."""
    auth_headers = {"Authorization": f"Bearer {api_key}"}
    failed: list[int] = []
    adopt_suspects(session, api_key)
    for experiment_id in session.ledger.live_ids():
        origin = _base_origin(session.target.base_url)
        url = f"{origin}{session.target.collection_path}{experiment_id}/"
        try:
            response = session.delete(url, headers=auth_headers, timeout=30)
        except requests.RequestException:
            failed.append(experiment_id)
            continue
        if response.status_code == 404:
            session.ledger.created[experiment_id].deleted = True
            session.ledger.save()
        elif response.status_code != 204:
            failed.append(experiment_id)
    delete_flags(session, api_key)
    return failed


def _base_origin(base_url: str) -> str:
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}"
