"""What may be sent to a server, as data: live-guarded, own-server or read-only; pacing; 429s."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from live_road.bodies import body_hazards
from live_road.facts import (
    SAFE_METHODS,
    SOFT_DELETE,
    Target,
    experiment_path_parts,
    flag_path_parts,
    origin,
    posthog_cloud_host,
    segment_id,
)
from live_road.journal import Journal

Mode = Literal["live-guarded", "own-server", "read-only"]
MAX_THROTTLE_RETRIES = 5


class UnsafeRequestRefusedError(RuntimeError):
    """A tool tried to send what its policy forbids; the request was not sent."""


class CreateBudgetExhaustedError(UnsafeRequestRefusedError):
    """The run already created as many experiments as it may; the POST was not sent."""


@dataclass(frozen=True)
class Policy:
    """How one transport treats every request: what it refuses, paces, retries, reads back.

    - live-guarded: writes only to experiments the journal says this run created, creates only
      on the list route (within `max_creates`), a flag write only to soft-delete a checked flag
      of the run, and (`refuse_read_breaking`) no body PostHog would store but not read back.
    - own-server: everything to the target's origin (never PostHog Cloud); creates on any route
      form are journaled all the same.
    - read-only: safe methods only, each sent once (no 429 retry).
    """

    mode: Mode = "live-guarded"
    max_creates: int | None = None
    requests_per_minute: int | None = None
    read_back: bool = False
    refuse_read_breaking: bool = False
    retry_throttled: bool = True

    @classmethod
    def live_guarded(
        cls, *, max_creates: int | None, requests_per_minute: int | None = None
    ) -> Policy:
        """A server someone else owns: guarded, read back, nothing read-breaking sent."""
        return cls(
            "live-guarded",
            max_creates,
            requests_per_minute,
            read_back=True,
            refuse_read_breaking=True,
        )

    @classmethod
    def own_server(
        cls, base_url: str, *, max_creates: int | None, requests_per_minute: int | None = None
    ) -> Policy:
        """A server the caller owns: everything is sent; refused for PostHog Cloud."""
        host = posthog_cloud_host(base_url)
        if host is not None:
            raise UnsafeRequestRefusedError(
                f"{base_url} is PostHog Cloud ({host}): the guard stays on for it (no own-server)"
            )
        return cls("own-server", max_creates, requests_per_minute)

    @classmethod
    def read_only(cls) -> Policy:
        """Only reads, each sent once: for a rate-limited server whose 429s are the answer."""
        return cls("read-only", max_creates=0, retry_throttled=False)

    @classmethod
    def cleanup(cls, *, requests_per_minute: int | None = None) -> Policy:
        """The clean-up of a journal: guarded, no creates."""
        return cls("live-guarded", 0, requests_per_minute)


def refusal(
    policy: Policy, target: Target, journal: Journal, method: str, url: str, body: object
) -> str | None:
    """Why `policy` refuses to send `method url` with `body` (None: it may be sent)."""
    method = method.upper()
    if origin(url) != origin(target.base_url):
        return f"{method} {url}: not the target {target.base_url}"
    if method in SAFE_METHODS or policy.mode == "own-server":
        return None
    if policy.mode == "read-only":
        return f"{method} {url}: only reads are sent to this server"
    path = urlsplit(url).path
    parts = experiment_path_parts(path, target.base_url)
    if parts is None:
        return _flag_refusal(target, journal, method, url, path, body)
    if policy.refuse_read_breaking and method in ("POST", "PUT", "PATCH"):
        found = body_hazards(_text(body))
        if found:
            return (
                f"{method} {url}: the body holds values PostHog stores but cannot read"
                f" back ({', '.join(found)}); only --destructive-probes sends them"
            )
    _, experiment_id = parts
    if experiment_id is None:
        return None if method == "POST" else f"{method} {url}: only POST is sent to the list"
    addressed = segment_id(experiment_id)
    if addressed is not None and not journal.owns(addressed):
        return f"{method} {url}: experiment {experiment_id!r} was not created by this run"
    return None


def _flag_refusal(
    target: Target, journal: Journal, method: str, url: str, path: str, body: object
) -> str | None:
    """Allow exactly one write outside the experiments API: soft-deleting a flag of the run."""
    flag = flag_path_parts(path, target.base_url)
    if flag is None or method != "PATCH" or flag[1] is None:
        return f"{method} {url}: writes outside the experiments API are never sent"
    project_id, raw_flag_id = flag
    flag_id = segment_id(raw_flag_id or "")
    key = journal.cleanable_flags.get(flag_id or -1)
    if key is None or project_id != journal.flag_project(key, target.project_id):
        return f"{method} {url}: flag {raw_flag_id!r} is not a checked flag of this run"
    if _json(body) != SOFT_DELETE:
        return f"{method} {url}: a flag of this run is only ever sent {SOFT_DELETE}"
    return None


def creates_left(policy: Policy, journal: Journal) -> int | None:
    """How many more experiments the run may create (None: unbounded)."""
    if policy.max_creates is None:
        return None
    used = len(journal.created) + journal.untracked_creates + len(journal.pending)
    return max(policy.max_creates - used, 0)


def _text(body: object) -> bytes | str | None:
    return body if isinstance(body, bytes | str) else None


def _json(body: object) -> Any:
    try:
        return json.loads(_text(body) or b"")
    except (ValueError, TypeError, RecursionError):
        return None


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
