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


WWW_AUTHENTICATE_ON_401: Final = "www_authenticate_on_401"
PERSONAL_API_KEY_WORDING: Final = "personal_api_key_wording"
FALSY_VARIANTS_REJECTED: Final = "falsy_variants_rejected"
NON_OBJECT_VARIANTS_REJECTED: Final = "non_object_variants_rejected"
TRANSFORM_SCRIPT_INJECTION_CHECK: Final = "transform_script_injection_check"
SPLIT_PERCENTAGE_CHECKS: Final = "split_percentage_checks"

# One entry per PostHog change, oldest first. `source` names the file of PostHog's current code
# (repository PostHog/posthog) where the change lives, and the class or function in it.
CHANGES: Final[tuple[Change, ...]] = (
    Change(
        WWW_AUTHENTICATE_ON_401,
        'every 401 carries `WWW-Authenticate: Bearer resource_metadata="<host>/.well-known/'
        'oauth-protected-resource"` (the recorded server sent no such header)',
        "posthog/auth.py: the authenticators' `authenticate_header`, pointing OAuth clients at"
        " the protected-resource metadata",
    ),
    Change(
        PERSONAL_API_KEY_WORDING,
        "a method that is no action of the route, with a scoped key: 403 `This action does not"
        " support personal API key access` (recorded: `Personal API Key access`)",
        "posthog/permissions.py: `APIScopePermission.has_permission`",
    ),
    Change(
        FALSY_VARIANTS_REJECTED,
        "`variants` `0`, `0.0` or `false`: 400 `Experiment variants should be a dictionary of"
        ' keys -> transforms` (recorded: 500, `"control" in 0` raised a TypeError)',
        "posthog/api/web_experiment.py: `WebExperimentsAPISerializer.validate`",
    ),
    Change(
        NON_OBJECT_VARIANTS_REJECTED,
        "a variant that is not an object, or a transform of a non-control variant that is not an"
        " object: 400 `Experiment variant '<name>' should be a dictionary` / `Experiment transform"
        " [$<i>] variant '<name>' should be a dictionary` (recorded: 500, `.get` on a non-dict)",
        "posthog/api/web_experiment.py: `WebExperimentsAPISerializer.validate`",
    ),
    Change(
        TRANSFORM_SCRIPT_INJECTION_CHECK,
        "every transform's `text` and `html` is checked for script tags, inline event handlers,"
        " `javascript:` and `data:text/html` URLs, iframe and object tags: 400 `... has unsafe"
        " content in '<field>': ...` (recorded: stored as sent, 201)",
        "posthog/api/web_experiment.py: `WebExperimentsAPISerializer.validate`",
    ),
    Change(
        SPLIT_PERCENTAGE_CHECKS,
        "each split percentage must be a number, finite and within 0..100: 400 `multivariate."
        "variants[<i>].rollout_percentage must be a number, got str` / `... must be between 0 and"
        " 100, got 150` (recorded: 500 for a string, 201 for 150 and -50 summing to 100)",
        "posthog/api/feature_flag.py: `FeatureFlagSerializer.validate_filters`",
    ),
)


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
