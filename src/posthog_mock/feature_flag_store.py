"""The flags of web experiments as PostHog's feature flags API shows them: list, soft-delete.

Kept beside `ExperimentStore` (same database, same lock): a flag soft-deleted through
`PATCH {"deleted": true}` is recorded in a table of its own and hidden from the API.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from posthog_mock.storage import ExperimentStore

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS deleted_feature_flags (
    flag_id INTEGER PRIMARY KEY REFERENCES feature_flags (id),
    deleted_at TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class FeatureFlag:
    """One flag of a project, with the experiments (not deleted) linked to it."""

    id: int
    key: str
    name: str
    active: bool
    deleted: bool
    filters: dict[str, Any]
    created_at: str
    experiment_set: tuple[int, ...]


class FeatureFlagStore:
    """Read flags and soft-delete them, in the experiments' database."""

    def __init__(self, store: ExperimentStore) -> None:
        """Use the database (and lock) of `store`; create the soft-delete table when needed."""
        self._store = store
        with store._write() as conn:  # one database, one writer lock
            conn.execute(_SCHEMA)

    def _rows(self, project_id: int, flag_id: int | None = None) -> list[Any]:
        store = self._store
        with store._lock:
            return store._conn.execute(
                "SELECT f.id, f.key, f.active, f.filters, f.created_at, e.id, e.name,"
                " d.flag_id IS NOT NULL"
                " FROM feature_flags f"
                " LEFT JOIN experiments e ON e.feature_flag_id = f.id AND e.deleted = 0"
                " LEFT JOIN deleted_feature_flags d ON d.flag_id = f.id"
                " WHERE f.project_id = ? AND (? IS NULL OR f.id = ?)"
                " ORDER BY f.created_at DESC, f.id DESC",
                (project_id, flag_id, flag_id),
            ).fetchall()

    def list(self, project_id: int, *, include_deleted: bool = False) -> list[FeatureFlag]:
        """List the project's flags, newest first (soft-deleted ones only when asked)."""
        flags = _grouped(self._rows(project_id))
        return [flag for flag in flags if include_deleted or not flag.deleted]

    def get(self, project_id: int, flag_id: int) -> FeatureFlag | None:
        """Return one flag of the project, soft-deleted or not; None when there is none."""
        flags = _grouped(self._rows(project_id, flag_id))
        return flags[0] if flags else None

    def soft_delete(self, project_id: int, flag_id: int) -> None:
        """Mark the flag deleted (PostHog keeps the row)."""
        now = datetime.now(UTC).isoformat()
        with self._store._write() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO deleted_feature_flags (flag_id, deleted_at)"
                " SELECT id, ? FROM feature_flags WHERE id = ? AND project_id = ?",
                (now, flag_id, project_id),
            )


def _grouped(rows: list[Any]) -> list[FeatureFlag]:
    flags: dict[int, FeatureFlag] = {}
    for flag_id, key, active, filters, created_at, experiment_id, name, deleted in rows:
        known = flags.get(flag_id)
        linked = () if experiment_id is None else (int(experiment_id),)
        if known is not None:
            flags[flag_id] = FeatureFlag(
                **{**known.__dict__, "experiment_set": (*known.experiment_set, *linked)}
            )
            continue
        flags[flag_id] = FeatureFlag(
            id=int(flag_id),
            key=str(key),
            # PostHog names the flag after the experiment; once that is deleted the mock
            # no longer knows the name (it keeps no flag names of its own).
            name="" if name is None else f"Feature Flag for Experiment {name}",
            active=bool(active),
            deleted=bool(deleted),
            filters=json.loads(filters),
            created_at=str(created_at),
            experiment_set=linked,
        )
    return list(flags.values())
