"""Seeding: experiments given by a test, a seed file or the configuration, validated like a create.

A seed is an object with `name` and `variants` (required, checked as PostHog checks a create, in
strict mode), and optionally `created_at`, `feature_flag_key` (else derived from the name as a
create derives it) and `project` (else the first configured project). A batch is all or nothing:
every entry is checked, flag keys included, before any is stored.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from posthog_mock import flags
from posthog_mock.errors import APIError
from posthog_mock.storage import ExperimentStore, FlagKeyTaken
from posthog_mock.validation import RequestBody, check_storable, validate_experiment

if TYPE_CHECKING:
    from posthog_mock.config import MockConfig
    from posthog_mock.representation import Document

FIELDS: Final = ("name", "variants", "created_at", "feature_flag_key", "project")


class SeedError(ValueError):
    """A seed entry is invalid; the message names the entry and field."""

    def __init__(self, where: str, message: str) -> None:
        """Keep where the problem is (`[0].variants`) and the reason."""
        super().__init__(f"{where}: {message}")
        self.where = where
        self.reason = message


@dataclass(frozen=True)
class Seed:
    """One validated experiment to store."""

    project_id: int
    name: str
    variants: dict[str, Any]
    split: list[dict[str, Any]]
    created_at: datetime
    flag_key: str


def check_entries(raw: Any, where: str) -> tuple[Mapping[str, Any], ...]:
    """Check the shape of a list of seed objects (fields known); full checks need a profile."""
    if not isinstance(raw, list):
        raise SeedError(where, "must be a list of experiment objects")
    for index, entry in enumerate(raw):
        if not isinstance(entry, Mapping):
            raise SeedError(f"{where}[{index}]", "must be an object")
        unknown = sorted(set(entry) - set(FIELDS))
        if unknown:
            raise SeedError(
                f"{where}[{index}].{unknown[0]}", f"unknown field (fields: {', '.join(FIELDS)})"
            )
    return tuple(raw)


def load_seed_file(path: Path) -> tuple[Mapping[str, Any], ...]:
    """Read a seed file: JSON (a list, or `{"experiments": [...]}`) or TOML (`[[experiments]]`)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SeedError(str(path), f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise SeedError(str(path), "is not UTF-8") from None
    try:
        raw: Any = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        kind = "TOML" if path.suffix == ".toml" else "JSON"
        raise SeedError(str(path), f"is not valid {kind}: {exc}") from None
    if isinstance(raw, dict):
        unknown = sorted(set(raw) - {"experiments"})
        if unknown:
            raise SeedError(f"{path}: {unknown[0]}", "unknown key (expected experiments)")
        raw = raw.get("experiments", [])
    return check_entries(raw, f"{path}: experiments")


def validate(
    entries: Sequence[Mapping[str, Any]],
    config: MockConfig,
    store: ExperimentStore | None = None,
    where: str = "experiments",
) -> list[Seed]:
    """Check every entry as a create would be checked (strict), flag keys against the store."""
    check_entries(list(entries), where)
    taken: set[tuple[int, str]] = set()
    if store is not None:
        taken = {(row["project_id"], row["key"]) for row in store.feature_flags()}
    seeds = []
    for index, entry in enumerate(entries):
        at = f"{where}[{index}]"
        project_id = entry.get("project", config.projects[0].id)
        if (
            isinstance(project_id, bool)
            or not isinstance(project_id, int)
            or config.project(project_id) is None
        ):
            known = ", ".join(str(p.id) for p in config.projects)
            raise SeedError(f"{at}.project", f"must be a configured project ({known})")
        body = {name: entry[name] for name in ("name", "variants", "created_at") if name in entry}
        try:
            data = validate_experiment(
                RequestBody(body), partial=False, profile=config.profile, strict=True
            )
            variants = data.variants
            split = flags.build_split(variants)
            flags.check_split(split, strict=True)
            check_storable(variants)
            flag_key = entry.get("feature_flag_key")
            if flag_key is None:
                assert data.name is not None
                flag_key = flags.derive_flag_key(data.name)
            elif not isinstance(flag_key, str) or not flag_key:
                raise SeedError(f"{at}.feature_flag_key", "must be a non-empty string")
            flags.check_flag_key_length(flag_key)
        except APIError as error:
            # PostHog's variant rules name no field; every other check does.
            field = error.attr or ("variants" if "variant" in error.detail.lower() else "body")
            raise SeedError(f"{at}.{field}", error.detail) from None
        if (project_id, flag_key) in taken:
            raise SeedError(
                f"{at}.feature_flag_key", f"a feature flag with key {flag_key!r} already exists"
            )
        taken.add((project_id, flag_key))
        created_at = data.created_at or datetime.now(UTC)
        if created_at.tzinfo is None:
            created_at = created_at.replace(tzinfo=UTC)
        assert data.name is not None
        seeds.append(Seed(project_id, data.name, variants, split, created_at, flag_key))
    return seeds


def store_seeds(store: ExperimentStore, seeds: Sequence[Seed]) -> list[Document]:
    """Store validated seeds, in order; return their documents as a retrieve renders them."""
    documents = []
    for seed in seeds:
        try:
            documents.append(
                store.seed(
                    seed.project_id,
                    experiment_id=None,
                    kind="web",
                    deleted=False,
                    name=seed.name,
                    created_at=seed.created_at,
                    variants=seed.variants,
                    split=seed.split,
                    flag_key=seed.flag_key,
                )
            )
        except FlagKeyTaken:  # checked by validate(); only a concurrent create gets here
            raise SeedError("feature_flag_key", f"{seed.flag_key!r} was taken meanwhile") from None
    return documents


def seed_configured(config: MockConfig, store: ExperimentStore) -> list[Document]:
    """Store the configured seeds (`[[experiments]]`, `--seed-file`) into an empty database."""
    if not config.seed or store.feature_flags():
        return []
    return store_seeds(store, validate(config.seed, config, store))
