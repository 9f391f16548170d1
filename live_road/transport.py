"""The one transport to a live server: checks, journals, paces, retries 429s, reads back.

Composed like an httpx transport: a `requests` adapter wrapping another (the network by
default, a scripted one in tests), its behaviour given by a `Policy`. Mount it on any session
(`open_session`); no tool subclasses a session.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter, HTTPAdapter

from live_road import readback
from live_road.facts import (
    Target,
    as_id,
    created_id,
    experiment_path_parts,
    flag_path_parts,
    json_object,
    segment_id,
    throttle_wait_seconds,
)
from live_road.journal import CreatedExperiment, Journal, PendingCreate
from live_road.policy import (
    MAX_THROTTLE_RETRIES,
    CreateBudgetExhaustedError,
    Pacer,
    Policy,
    UnsafeRequestRefusedError,
    creates_left,
    refusal,
)

TIMEOUT_SECONDS = 30.0


class GuardedTransport(BaseAdapter):
    """Sends through `inner` what `policy` allows; journals creates, records, reads back."""

    def __init__(
        self,
        target: Target,
        journal: Journal,
        policy: Policy,
        *,
        inner: BaseAdapter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        pacer: Pacer | None = None,
    ) -> None:
        super().__init__()
        self.target = target
        self.journal = journal
        self.policy = policy
        self.inner = inner or HTTPAdapter()
        self.pacer = pacer or Pacer(policy.requests_per_minute)
        self._sleep = sleep
        self._reading_back = False

    @property
    def max_creates(self) -> int | None:
        """The create budget of the policy."""
        return self.policy.max_creates

    def creates_left(self) -> int | None:
        """How many more experiments the run may create (None: unbounded)."""
        return creates_left(self.policy, self.journal)

    def check_allowed(self, method: str, url: str, body: bytes | str | None = None) -> None:
        """Raise if the policy refuses `method url` with `body`; journal the refusal."""
        reason = refusal(self.policy, self.target, self.journal, method, url, body)
        if reason is not None:
            self._refuse(reason)
        if self._is_create(method.upper(), urlsplit(url).path):
            left = self.creates_left()
            if left is not None and left <= 0 and self.policy.mode == "live-guarded":
                self.journal.refused.append(
                    f"{method} {url}: create budget of {self.policy.max_creates} used"
                )
                self.journal.save()
                raise CreateBudgetExhaustedError(
                    f"{method} {url} not sent: this run may create at most"
                    f" {self.policy.max_creates} experiments"
                )

    def _refuse(self, reason: str) -> None:
        self.journal.refused.append(reason)
        self.journal.save()
        raise UnsafeRequestRefusedError(f"refused to send {reason}")

    def send(  # type: ignore[override]  # requests passes its options as keywords
        self, request: requests.PreparedRequest, **kwargs: Any
    ) -> requests.Response:
        """Check, journal, pace and send one request; retry on 429; record; read back writes."""
        method = str(request.method or "GET").upper()
        url = str(request.url)
        self.check_allowed(method, url, request.body)
        pending = self._journal_create(method, url, request)
        try:
            for _ in range(MAX_THROTTLE_RETRIES + 1):
                self.pacer.wait()
                response = self.inner.send(request, **kwargs)
                self.journal.requests_sent += 1
                if response.status_code != 429 or not self.policy.retry_throttled:
                    break
                wait = throttle_wait_seconds(response)
                self.journal.throttled_waits.append(wait)
                self._sleep(wait)
        except requests.RequestException:
            if pending is not None:
                self.journal.save()  # the create may have been stored: it stays pending
            raise
        self._record(method, url, response, pending)
        if self.policy.read_back and not self._reading_back:
            self._reading_back = True
            try:
                readback.check(self, method, url, request, response)
            finally:
                self._reading_back = False
        return response

    def close(self) -> None:
        """Close the inner transport."""
        self.inner.close()

    def request(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        json_body: Any = None,
    ) -> requests.Response:
        """Send one request of the tool's own (a read-back, a clean-up) through this transport."""
        prepared = requests.Request(method, url, headers=dict(headers), json=json_body).prepare()
        response = self.send(prepared, timeout=TIMEOUT_SECONDS)
        return response

    def session(self) -> requests.Session:
        """A requests session whose every request goes through this transport."""
        session = requests.Session()
        session.mount("http://", self)
        session.mount("https://", self)
        return session

    # -- the journal -------------------------------------------------------------------------

    def _is_create(self, method: str, path: str) -> bool:
        if method != "POST":
            return False
        parts = experiment_path_parts(path, self.target.base_url)
        if parts is not None:
            # The list, also with a format suffix (`web_experiments.json`): not an id.
            return parts[1] is None or segment_id(parts[1]) is None
        # On one's own server a create may take any route form (`web%5Fexperiments/`).
        return self.policy.mode == "own-server" and "/api/projects/" in path

    def _journal_create(
        self, method: str, url: str, request: requests.PreparedRequest
    ) -> PendingCreate | None:
        """Write the create about to be sent to the journal, before it is sent."""
        path = urlsplit(url).path
        if not self._is_create(method, path):
            return None
        name = sent_name(request.body)
        if name is None:
            return None  # PostHog stores no experiment without a name it can read
        pending = PendingCreate(
            name=name,
            sent_at=datetime.now(UTC).isoformat(timespec="milliseconds"),
            id_floor=self.journal.highest_known_id(),
            project=_project_of(path),
            tool=self.journal.tool,
        )
        self.journal.pending.append(pending)
        self.journal.save()
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
        if self._is_create(method, path):
            self._record_create(path, response, pending)
        elif parts is None:
            if method == "GET" and response.status_code == 200:
                self._record_flags(path, response)
        elif method == "DELETE" and parts[1] is not None and response.status_code == 204:
            # Only an id written as digits: `1.json` may not be the experiment 1 it looks like.
            if self.policy.mode == "own-server" and not parts[1].isdigit():
                return
            owned = self.journal.created.get(segment_id(parts[1]) or -1)
            if owned is not None:
                owned.deleted = True
                self.journal.save()

    def _record_create(
        self, path: str, response: requests.Response, pending: PendingCreate | None
    ) -> None:
        status = response.status_code
        if pending is not None:
            pending.answered = status
        # Any 2xx to a create may have created something, 201 or not: track it to delete it.
        if 200 <= status < 300:
            body = json_object(response)
            new_id = created_id(response)
            if new_id is not None:
                self.journal.created[new_id] = CreatedExperiment(
                    id=new_id,
                    feature_flag_key=str(body.get("feature_flag_key", "")),
                    name=str(body.get("name", "")),
                    project=_project_of(path),
                    tool=self.journal.tool,
                )
            elif pending is None and self.policy.mode != "own-server":
                self.journal.untracked_creates += 1
            # An answer without a readable id (HTML of a format suffix) keeps the create
            # pending: the clean-up finds what it stored by its name.
            if pending is not None and new_id is not None:
                self.journal.pending.remove(pending)
        elif status < 500 and pending is not None:
            self.journal.pending.remove(pending)  # a 4xx stored nothing
        self.journal.save()

    def _record_flags(self, path: str, response: requests.Response) -> None:
        """Note the flags of this run a flag listing shows, where they are safe to soft-delete."""
        flag = flag_path_parts(path, self.target.base_url)
        if flag is None or flag[1] is not None:
            return
        ours = {
            e.feature_flag_key: e
            for e in self.journal.flag_owners()
            if e.feature_flag_key and (e.project or self.target.project_id) == flag[0]
        }
        changed = False
        for item in json_object(response).get("results", []):
            if not isinstance(item, dict):
                continue
            flag_id, key = as_id(item.get("id")), item.get("key")
            if flag_id is None or not isinstance(key, str) or key not in ours:
                continue
            linked = item.get("experiment_set")
            linked_ids = [as_id(i) for i in linked] if isinstance(linked, list) else [None]
            owned = {e.id for e in self.journal.flag_owners()}
            if item.get("active") is False and all(
                i is not None and i in owned for i in linked_ids
            ):
                self.journal.cleanable_flags[flag_id] = key
                changed = True
        if changed:
            self.journal.save()


def open_session(
    target: Target,
    journal: Journal,
    policy: Policy,
    *,
    inner: BaseAdapter | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[requests.Session, GuardedTransport]:
    """A session whose every request goes through a `GuardedTransport`, and the transport."""
    transport = GuardedTransport(target, journal, policy, inner=inner, sleep=sleep)
    return transport.session(), transport


def sent_name(body: bytes | str | None) -> str | None:
    """The `name` a create request sent, as PostHog would store it (trimmed), or None."""
    try:
        document = json.loads(body or b"")
    except (ValueError, TypeError, RecursionError):  # not JSON, or nested past what Python reads
        return None
    name = document.get("name") if isinstance(document, dict) else None
    if isinstance(name, bool) or not isinstance(name, str | int | float):
        return None
    return str(name).strip()


def _project_of(path: str) -> str:
    """The project id of an `/api/projects/{p}/...` path, as `int()` reads it ("" if none)."""
    marker = "/api/projects/"
    if marker not in path:
        return ""
    segment = path.split(marker, 1)[1].split("/", 1)[0]
    number = segment_id(segment)
    return "" if number is None else str(number)
