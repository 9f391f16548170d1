"""The one transport every request of the suite goes through: safety rules, pacing, 429 waits."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import requests

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


@dataclass
class Ledger:
    """What the run created, deleted and refused; saved after every change so cleanup survives."""

    path: Path
    created: dict[int, CreatedExperiment] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    skipped_creates: int = 0
    untracked_creates: int = 0
    throttled_waits: list[float] = field(default_factory=list)
    requests_sent: int = 0
    # Names sent in creates that the server answered with 5xx: it may have stored them anyway.
    suspect_names: list[str] = field(default_factory=list)

    def owns(self, experiment_id: int) -> bool:
        """Whether this run created the experiment."""
        return experiment_id in self.created

    def live_ids(self) -> list[int]:
        """Experiments this run created and has not deleted yet."""
        return [e.id for e in self.created.values() if not e.deleted]

    def save(self) -> None:
        """Write the ledger as JSON next to the reports."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "created": [asdict(e) for e in self.created.values()],
            "refused": self.refused,
            "skipped_creates": self.skipped_creates,
            "untracked_creates": self.untracked_creates,
            "throttled_waits": self.throttled_waits,
            "requests_sent": self.requests_sent,
            "suspect_names": self.suspect_names,
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
        data = json.loads(path.read_text(encoding="utf-8"))
        for item in data.get("created", []):
            experiment = CreatedExperiment(**item)
            ledger.created[experiment.id] = experiment
        ledger.refused = list(data.get("refused", []))
        ledger.skipped_creates = int(data.get("skipped_creates", 0))
        ledger.untracked_creates = int(data.get("untracked_creates", 0))
        ledger.throttled_waits = [float(w) for w in data.get("throttled_waits", [])]
        ledger.requests_sent = int(data.get("requests_sent", 0))
        ledger.suspect_names = [str(name) for name in data.get("suspect_names", [])]
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


def experiment_path_parts(path: str, base_url: str) -> tuple[str, str | None] | None:
    """Split an experiments URL path into (project_id, experiment id or None); None if not one."""
    base_path = re.escape(urlsplit(base_url).path.rstrip("/"))
    match = re.fullmatch(base_path + r"/api/projects/([^/]+)/web_experiments/?(?:([^/]+)/?)?", path)
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
    """A requests session that refuses writes to experiments this run did not create."""

    def __init__(
        self,
        target: Target,
        ledger: Ledger,
        *,
        max_creates: int | None,
        pacer: Pacer,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__()
        self.target = target
        self.ledger = ledger
        self.max_creates = max_creates
        self.pacer = pacer
        self._sleep = sleep
        self._target_origin = _origin(target.base_url)

    def creates_left(self) -> int | None:
        """How many more experiments the run may create (None: unbounded)."""
        if self.max_creates is None:
            return None
        used = len(self.ledger.created) + self.ledger.untracked_creates
        return max(self.max_creates - used, 0)

    def check_allowed(self, method: str, url: str) -> None:
        """Raise if sending `method url` could modify something this run does not own."""
        method = method.upper()
        if _origin(url) != self._target_origin:
            self._refuse(f"{method} {url}: not the target {self.target.base_url}")
        if method in SAFE_METHODS:
            return
        parts = experiment_path_parts(urlsplit(url).path, self.target.base_url)
        if parts is None:
            self._refuse(f"{method} {url}: writes outside the experiments API are never sent")
            return
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

    def _refuse(self, reason: str) -> None:
        self.ledger.refused.append(reason)
        self.ledger.save()
        raise UnsafeRequestRefusedError(f"refused to send {reason}")

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        """Check, pace and send one request; wait and retry on 429; record what was created."""
        method = str(request.method or "GET").upper()
        url = str(request.url)
        self.check_allowed(method, url)
        for _ in range(MAX_THROTTLE_RETRIES + 1):
            self.pacer.wait()
            response = super().send(request, **kwargs)
            self.ledger.requests_sent += 1
            if response.status_code != 429:
                break
            wait = throttle_wait_seconds(response)
            self.ledger.throttled_waits.append(wait)
            self._sleep(wait)
        self._record(method, url, response)
        return response

    def _record(self, method: str, url: str, response: requests.Response) -> None:
        parts = experiment_path_parts(urlsplit(url).path, self.target.base_url)
        if parts is None:
            return
        _, experiment_id = parts
        # Any 2xx to a create may have created something, 201 or not: track it to delete it.
        if method == "POST" and experiment_id is None and 200 <= response.status_code < 300:
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
            self.ledger.save()
        elif method == "POST" and experiment_id is None and response.status_code >= 500:
            # PostHog can store an experiment and then fail to render it (a 500 after commit).
            name = _sent_name(response.request)
            if name is not None:
                self.ledger.suspect_names.append(name)
                self.ledger.save()
        elif method == "DELETE" and experiment_id is not None and response.status_code == 204:
            owned = self.ledger.created.get(int(experiment_id))
            if owned is not None:
                owned.deleted = True
                self.ledger.save()


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
    """Find experiments stored by creates that answered 5xx, and add them to the ledger.

    Adopted (so deleted at cleanup) is only an experiment whose name is exactly one the run
    sent and whose id is above the run's first own experiment (ids only grow, so it did not
    exist before the run). When the project cannot be listed, the names stay in the ledger
    for the summary to report.
    """
    pending = list(dict.fromkeys(session.ledger.suspect_names))
    if not pending or not session.ledger.created:
        return
    floor = min(session.ledger.created)
    auth_headers = {"Authorization": f"Bearer {api_key}"}
    origin = _base_origin(session.target.base_url)
    url: str | None = f"{origin}{session.target.collection_path}?limit=200"
    adopted: dict[int, CreatedExperiment] = {}
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
            if experiment_id is None or experiment_id <= floor or name not in pending:
                continue
            if not session.ledger.owns(experiment_id):
                adopted[experiment_id] = CreatedExperiment(
                    id=experiment_id,
                    feature_flag_key=str(item.get("feature_flag_key", "")),
                    name=str(name),
                )
        next_url = body.get("next")
        url = next_url if isinstance(next_url, str) else None
    session.ledger.created.update(adopted)
    session.ledger.suspect_names = []
    session.ledger.save()


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
    return failed


def _base_origin(base_url: str) -> str:
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}"
