"""SQLite persistence for experiments and their feature flags (WAL, one connection, one lock)."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from posthog_mock.representation import (
    Document,
    render_experiment,
    storage_timestamp,
    to_storage_json,
)

SCHEMA_VERSION: Final = 2
SQL_MAX_INT: Final = 2**62

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS feature_flags (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 0,
    filters TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (project_id, key)
);
CREATE TABLE IF NOT EXISTS experiments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id INTEGER NOT NULL,
    type TEXT NOT NULL DEFAULT 'web',
    deleted INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    feature_flag_id INTEGER NOT NULL REFERENCES feature_flags (id),
    variants TEXT NOT NULL,
    representation TEXT NOT NULL,
    read_hazard TEXT,
    list_representation TEXT NOT NULL DEFAULT '',
    list_hazard TEXT
);
CREATE INDEX IF NOT EXISTS experiments_listing
    ON experiments (project_id, type, deleted, created_at DESC, id DESC);
"""


# Version 1 databases kept one rendered document per experiment and no hazards.
_MIGRATE_TO_2: Final = (
    "ALTER TABLE experiments ADD COLUMN read_hazard TEXT",
    "ALTER TABLE experiments ADD COLUMN list_representation TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE experiments ADD COLUMN list_hazard TEXT",
    "UPDATE experiments SET list_representation = representation",
)


class StorageError(Exception):
    """The database cannot be opened, created or written."""


class FlagKeyTaken(Exception):
    """A feature flag with the derived key already exists in the project."""


class ExperimentIdTaken(Exception):
    """A seeded experiment asked for an id that is already used."""


@dataclass(frozen=True)
class Page:
    """One page of a project's experiment listing, as rendered JSON documents."""

    count: int
    results: list[Document]


class ExperimentStore:
    """Web experiments and their feature flags, kept in one SQLite database."""

    def __init__(self, path: str | Path) -> None:
        """Open (and create when needed) the database at `path` or `:memory:`."""
        self.path = str(path)
        self._lock = threading.Lock()
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._conn.execute("PRAGMA busy_timeout = 10000")
            self._conn.execute("PRAGMA journal_mode = WAL")
            # WAL + NORMAL: a commit is in the OS page cache before the 201 goes out, so it
            # survives a killed process (not a power cut); FULL would fsync every create.
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            with self._write():
                (version,) = self._conn.execute("PRAGMA user_version").fetchone()
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        self._conn.execute(statement)
                if 0 < version < SCHEMA_VERSION:
                    for statement in _MIGRATE_TO_2:
                        self._conn.execute(statement)
                self._conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except (sqlite3.Error, OSError) as exc:
            raise StorageError(f"cannot use database {self.path}: {exc}") from None

    def close(self) -> None:
        """Checkpoint the WAL and close the connection."""
        with self._lock:
            with suppress(sqlite3.Error):
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._conn.close()

    def check_writable(self) -> None:
        """Fail with StorageError unless a write transaction can start."""
        try:
            with self._write():
                pass
        except sqlite3.Error as exc:
            raise StorageError(f"cannot write database {self.path}: {exc}") from None

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def create(
        self,
        project_id: int,
        name: str,
        variants: dict[str, Any],
        split: list[dict[str, Any]],
        flag_key: str,
    ) -> Document:
        """Insert an experiment and its inactive flag; return the answer to the create."""
        now = datetime.now(UTC)
        with self._write() as conn:
            flag_id = self._insert_flag(conn, project_id, flag_key, split, now)
            return self._insert_experiment(
                conn,
                experiment_id=None,
                project_id=project_id,
                kind="web",
                deleted=False,
                name=name,
                created_at=now,
                flag_id=flag_id,
                flag_key=flag_key,
                variants=variants,
                split=split,
            )

    def seed(
        self,
        project_id: int,
        *,
        experiment_id: int | None,
        kind: str,
        deleted: bool,
        name: str,
        created_at: datetime,
        variants: Any,
        split: list[dict[str, Any]] | None,
        flag_key: str,
    ) -> Document:
        """Store an experiment verbatim, bypassing the API's rules; return its JSON."""
        with self._write() as conn:
            flag_id = self._insert_flag(conn, project_id, flag_key, split, created_at)
            return self._insert_experiment(
                conn,
                experiment_id=experiment_id,
                project_id=project_id,
                kind=kind,
                deleted=deleted,
                name=name,
                created_at=created_at,
                flag_id=flag_id,
                flag_key=flag_key,
                variants=variants,
                split=split,
            )

    @staticmethod
    def _insert_flag(
        conn: sqlite3.Connection,
        project_id: int,
        key: str,
        split: list[dict[str, Any]] | None,
        created_at: datetime,
    ) -> int:
        try:
            cursor = conn.execute(
                "INSERT INTO feature_flags (project_id, key, filters, created_at)"
                " VALUES (?, ?, ?, ?)",
                (
                    project_id,
                    key,
                    to_storage_json(_flag_filters(split)),
                    storage_timestamp(created_at),
                ),
            )
        except sqlite3.IntegrityError:
            raise FlagKeyTaken(key) from None
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    @staticmethod
    def _insert_experiment(
        conn: sqlite3.Connection,
        *,
        experiment_id: int | None,
        project_id: int,
        kind: str,
        deleted: bool,
        name: str,
        created_at: datetime,
        flag_id: int,
        flag_key: str,
        variants: Any,
        split: list[dict[str, Any]] | None,
    ) -> Document:
        try:
            cursor = conn.execute(
                "INSERT INTO experiments (id, project_id, type, deleted, name, created_at,"
                " feature_flag_id, variants, representation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '')",
                (
                    experiment_id,
                    project_id,
                    kind,
                    int(deleted),
                    name,
                    storage_timestamp(created_at),
                    flag_id,
                    to_storage_json(variants),
                ),
            )
        except sqlite3.IntegrityError:
            raise ExperimentIdTaken(str(experiment_id)) from None
        new_id = cursor.lastrowid
        assert new_id is not None
        fields = {
            "name": name,
            "created_at": created_at,
            "feature_flag_key": flag_key,
            "variants": variants,
            "split": split,
        }
        stored = render_experiment(new_id, **fields)
        conn.execute(
            "UPDATE experiments SET representation = ?, read_hazard = ?,"
            " list_representation = ?, list_hazard = ? WHERE id = ?",
            (*_columns(stored.detail), *_columns(stored.listed), new_id),
        )
        # The answer to the write is built from the request's data, not read back (§4).
        return render_experiment(new_id, **fields, as_stored=False).detail

    def get(self, project_id: int, experiment_id: int) -> Document | None:
        """One web experiment of the project as retrieve sends it (soft-deleted ones included)."""
        with self._lock:
            row = self._conn.execute(
                "SELECT representation, read_hazard FROM experiments"
                " WHERE id = ? AND project_id = ? AND type = 'web'",
                (experiment_id, project_id),
            ).fetchone()
        return None if row is None else Document(str(row[0]), row[1])

    def page(self, project_id: int, limit: int, offset: int) -> Page:
        """Return a page of the project's live web experiments, newest `created_at` first."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                (count,) = self._conn.execute(
                    "SELECT count(*) FROM experiments"
                    " WHERE project_id = ? AND type = 'web' AND deleted = 0",
                    (project_id,),
                ).fetchone()
                rows = self._conn.execute(
                    "SELECT list_representation, list_hazard FROM experiments"
                    " WHERE project_id = ? AND type = 'web' AND deleted = 0"
                    " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                    (project_id, min(limit, SQL_MAX_INT), min(offset, SQL_MAX_INT)),
                ).fetchall()
            finally:
                self._conn.execute("COMMIT")
        return Page(
            count=int(count), results=[Document(str(text), hazard) for text, hazard in rows]
        )

    def update(
        self,
        project_id: int,
        experiment_id: int,
        *,
        name: str | None,
        created_at: datetime | None,
        variants: dict[str, Any],
        split: list[dict[str, Any]],
    ) -> Document | None:
        """Replace variants (and name/created_at when given); rewrite the flag split."""
        with self._write() as conn:
            row = conn.execute(
                "SELECT e.name, e.created_at, e.feature_flag_id, f.key FROM experiments e"
                " JOIN feature_flags f ON f.id = e.feature_flag_id"
                " WHERE e.id = ? AND e.project_id = ? AND e.type = 'web'",
                (experiment_id, project_id),
            ).fetchone()
            if row is None:
                return None
            old_name, old_created, flag_id, flag_key = row
            new_name = old_name if name is None else name
            new_created = datetime.fromisoformat(old_created) if created_at is None else created_at
            fields = {
                "name": new_name,
                "created_at": new_created,
                "feature_flag_key": flag_key,
                "variants": variants,
                "split": split,
            }
            stored = render_experiment(experiment_id, **fields)
            conn.execute(
                "UPDATE feature_flags SET filters = ? WHERE id = ?",
                (to_storage_json(_flag_filters(split)), flag_id),
            )
            conn.execute(
                "UPDATE experiments SET name = ?, created_at = ?, variants = ?, representation = ?,"
                " read_hazard = ?, list_representation = ?, list_hazard = ? WHERE id = ?",
                (
                    new_name,
                    storage_timestamp(new_created),
                    to_storage_json(variants),
                    *_columns(stored.detail),
                    *_columns(stored.listed),
                    experiment_id,
                ),
            )
            return render_experiment(experiment_id, **fields, as_stored=False).detail

    def delete(self, project_id: int, experiment_id: int) -> bool:
        """Hard-delete a web experiment, keeping its flag; False when there was none."""
        with self._write() as conn:
            cursor = conn.execute(
                "DELETE FROM experiments WHERE id = ? AND project_id = ? AND type = 'web'",
                (experiment_id, project_id),
            )
            return cursor.rowcount > 0

    def reset(self) -> None:
        """Remove every experiment and flag (ids keep counting up)."""
        with self._write() as conn:
            conn.execute("DELETE FROM experiments")
            # The feature flag API's soft deletes (feature_flag_store.py) refer to the flags.
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
            if "deleted_feature_flags" in tables:
                conn.execute("DELETE FROM deleted_feature_flags")
            conn.execute("DELETE FROM feature_flags")

    def feature_flags(self) -> list[dict[str, Any]]:
        """Every flag with the experiment linked to it, for the read-only mock view."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT f.id, f.project_id, f.key, f.active, f.filters, f.created_at, e.id"
                " FROM feature_flags f LEFT JOIN experiments e ON e.feature_flag_id = f.id"
                " ORDER BY f.id"
            ).fetchall()
        return [
            {
                "id": flag_id,
                "project_id": project_id,
                "key": key,
                "active": bool(active),
                "filters": json.loads(filters),
                "created_at": created_at,
                "experiment_id": experiment_id,
            }
            for flag_id, project_id, key, active, filters, created_at, experiment_id in rows
        ]


def _columns(document: Document) -> tuple[str, str | None]:
    return document.text, document.hazard


def _flag_filters(split: list[dict[str, Any]] | None) -> dict[str, Any]:
    filters: dict[str, Any] = {"groups": [{"properties": [], "rollout_percentage": 100}]}
    if split is not None:
        filters["multivariate"] = {"variants": split}
    return filters
