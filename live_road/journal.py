"""The write-ahead journal: what runs of any live tool are creating, created, deleted and left."""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO


@dataclass
class CreatedExperiment:
    """An experiment this run created, with the flag PostHog keeps after its deletion."""

    id: int
    feature_flag_key: str
    name: str
    deleted: bool = False
    flag_deleted: bool = False
    # The project it was created in (its id as `int()` reads the path), and the tool.
    project: str = ""
    tool: str = ""


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
    project: str = ""
    tool: str = ""


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
class Journal:
    """What the run is creating, created, deleted and refused: a write-ahead journal on disk.

    Saved before every create is sent (the name it sends, when) and after every change, so a
    later run of any tool can finish the cleanup of a run that was killed at any point.
    """

    path: Path
    # The tool writing the journal now (recorded on what it creates).
    tool: str = ""
    # The server and project the journal's experiments live on.
    base_url: str = ""
    project_id: str = ""
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

    def flag_project(self, key: str, default: str) -> str:
        """The project whose flag list holds the flag `key` of one of the journal's experiments."""
        owner = next((e for e in self.flag_owners() if e.feature_flag_key == key), None)
        return (owner.project if owner is not None else "") or default

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
        """Write the journal as JSON, atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "base_url": self.base_url,
            "project_id": self.project_id,
            "created": [vars(e) for e in self.created.values()],
            "pending": [vars(p) for p in self.pending],
            "id_floor": self.id_floor,
            "refused": self.refused,
            "skipped_creates": self.skipped_creates,
            "untracked_creates": self.untracked_creates,
            "throttled_waits": self.throttled_waits,
            "requests_sent": self.requests_sent,
            "read_breaks": [vars(r) for r in self.read_breaks],
            "cleanable_flags": {str(k): v for k, v in self.cleanable_flags.items()},
            "flag_scope_missing": self.flag_scope_missing,
            "earlier": [vars(e) for e in self.earlier],
        }
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(_dumps(data), encoding="utf-8")
        tmp.replace(self.path)

    @classmethod
    def load(cls, path: Path) -> Journal:
        """Read a ledger written by `save`; an absent file is an empty journal."""
        journal = cls(path=path)
        if not path.exists():
            return journal
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
        journal.base_url = str(data.get("base_url", ""))
        journal.project_id = str(data.get("project_id", ""))
        for item in data.get("created", []):
            experiment = CreatedExperiment(**item)
            journal.created[experiment.id] = experiment
        journal.pending = [PendingCreate(**item) for item in data.get("pending", [])]
        floor = data.get("id_floor")
        journal.id_floor = floor if isinstance(floor, int) else None
        journal.refused = list(data.get("refused", []))
        journal.skipped_creates = int(data.get("skipped_creates", 0))
        journal.untracked_creates = int(data.get("untracked_creates", 0))
        journal.throttled_waits = [float(w) for w in data.get("throttled_waits", [])]
        journal.requests_sent = int(data.get("requests_sent", 0))
        journal.read_breaks = [ReadBreak(**item) for item in data.get("read_breaks", [])]
        journal.cleanable_flags = {
            int(k): str(v) for k, v in data.get("cleanable_flags", {}).items()
        }
        journal.flag_scope_missing = bool(data.get("flag_scope_missing", False))
        journal.earlier = [CreatedExperiment(**item) for item in data.get("earlier", [])]
        return journal


def _dumps(data: Mapping[str, object]) -> str:
    """The journal as JSON, one line per entry of its lists.

    Readable, and written by the C encoder (`indent=` would take Python's, ~10x slower; a run
    saves the journal on every create and delete, so it adds up over a long run).
    """
    fields = []
    for key, value in data.items():
        if isinstance(value, list) and value:
            items = ",\n".join(f"    {json.dumps(item)}" for item in value)
            fields.append(f"  {json.dumps(key)}: [\n{items}\n  ]")
        else:
            fields.append(f"  {json.dumps(key)}: {json.dumps(value)}")
    return "{\n" + ",\n".join(fields) + "\n}\n"


JOURNAL_NAME = "live-journal.json"
# Where every live tool keeps the journal unless told otherwise (the contract suite: its
# --reports-dir): one file, whatever tool wrote it.
DEFAULT_JOURNAL = Path("reports") / JOURNAL_NAME


class JournalTargetError(RuntimeError):
    """The journal holds unfinished work on another server or project."""


class JournalBusyError(JournalTargetError):
    """Another process is running a live tool on the same journal."""


# The journals this process holds (an open, locked `<journal>.lock` each), by resolved path.
_HELD: dict[Path, IO[str]] = {}


def hold(path: Path, tool: str = "") -> None:
    """Take the journal at `path` for this process, until `release(path)` or the process ends.

    Two runs on one journal would resume each other: the second would adopt the first's
    creates still in flight and delete its experiments mid-run. So a run takes an exclusive
    lock (`flock` on `<journal>.lock`, freed by the system when the process dies, even by
    SIGKILL) and a second run is refused, naming the holder. Holding it again is a no-op.
    """
    key = path.resolve()
    if key in _HELD:
        return
    lock_path = path.with_name(path.name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handle = lock_path.open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "a live run"
        handle.close()
        raise JournalBusyError(
            f"the journal {path} is in use by another live run ({holder}): wait for it to"
            " end (a run in another folder keeps a journal of its own)"
        ) from None
    handle.seek(0)
    handle.truncate()
    since = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    handle.write(f"{tool or 'a live tool'}, pid {os.getpid()}, since {since}\n")
    handle.flush()
    _HELD[key] = handle


def release(path: Path) -> None:
    """Give up the journal `hold` took (closing the lock file frees the lock)."""
    handle = _HELD.pop(path.resolve(), None)
    if handle is not None:
        handle.close()
