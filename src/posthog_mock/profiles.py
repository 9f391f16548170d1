"""PostHog versions the mock can answer as: a recorded base plus later changes, as data.

`2025-08` is the PostHog application that the parity recordings were made on (commit
`29dbf9d2`, about 2025-08-01). Every later change of PostHog that these endpoints show is one
`Change`, with what it changes and where PostHog's code says so. `current` is `2025-08` with
every change applied; where nothing shows that PostHog changed, it answers like `2025-08`,
PostHog's own 500s included. Handlers ask `profile.has(CHANGE_ID)`; nothing else decides.

A profile can also be named as `2025-08+<change>,<change>`: the base with only those changes
(parity uses it to attribute each difference of `current` to its change).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

BASE_VERSION: Final = "2025-08"
CURRENT_VERSION: Final = "current"
DEFAULT_VERSION: Final = CURRENT_VERSION


class UnknownProfileError(ValueError):
    """A profile name that is neither a known version nor `<version>+<known changes>`."""


@dataclass(frozen=True)
class Change:
    """One PostHog change after the base version: what it changes and its upstream source."""

    id: str
    summary: str
    source: str


# One entry per PostHog change, oldest first. `source` names PostHog's current code (file and,
# where known, the pull request or commit) that shows the change.
CHANGES: Final[tuple[Change, ...]] = ()


@dataclass(frozen=True)
class Profile:
    """A PostHog version as the mock answers it: its name and the changes it includes."""

    name: str
    changes: frozenset[str]

    def has(self, change_id: str) -> bool:
        """Whether this profile includes the change `change_id` (a key of `CHANGES`)."""
        if change_id not in CHANGES_BY_ID:
            raise KeyError(f"unknown PostHog change {change_id!r}")
        return change_id in self.changes


CHANGES_BY_ID: Final[dict[str, Change]] = {change.id: change for change in CHANGES}
PROFILES: Final[dict[str, Profile]] = {
    BASE_VERSION: Profile(BASE_VERSION, frozenset()),
    CURRENT_VERSION: Profile(CURRENT_VERSION, frozenset(CHANGES_BY_ID)),
}


def get_profile(name: str) -> Profile:
    """Return the profile `name`: a version of `PROFILES`, or `<version>+<change>[,<change>]`."""
    if name in PROFILES:
        return PROFILES[name]
    base, plus, extra = name.partition("+")
    if not plus or base not in PROFILES or not extra:
        raise UnknownProfileError(
            f"unknown PostHog version {name!r}: expected one of {', '.join(PROFILES)}"
            f" or '{BASE_VERSION}+<change>[,<change>]'"
        )
    wanted = [part.strip() for part in extra.split(",")]
    unknown = [part for part in wanted if part not in CHANGES_BY_ID]
    if unknown:
        raise UnknownProfileError(
            f"unknown PostHog change(s) {', '.join(map(repr, unknown))} in {name!r}; known:"
            f" {', '.join(CHANGES_BY_ID) or 'none'}"
        )
    return Profile(name, PROFILES[base].changes | frozenset(wanted))
