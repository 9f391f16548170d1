"""PostHog versions the mock can answer as: a recorded base plus later changes, as sourced data.

`2025-08` is the PostHog application the parity recordings were made on (commit `29dbf9d2`,
2025-08-04). Every later change of PostHog that these endpoints show is one `Change`: what it
changes and the evidence for it (PostHog's code at a commit, a pull request, a public report of
PostHog Cloud's answer, a recording), each with where it lives and when it was seen. A claim
about a newer PostHog with no evidence read is not a change; claims that were withdrawn, and why,
are kept in `WITHDRAWN` so the generated docs can say so.

`2026-05` is `2025-08` with every change applied; its name is the date of the newest dated
evidence. Where nothing shows that PostHog changed, it answers like `2025-08`, PostHog's own
500s included. It is the default: see `DEFAULT_VERSION`. Handlers ask `profile.has(CHANGE_ID)`;
nothing else decides.

A profile can also be named as `2025-08+<change>,<change>`: the base with only those changes
(parity uses it to attribute each difference of `2026-05` to its change).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

BASE_VERSION: Final = "2025-08"
NEWEST_VERSION: Final = "2026-05"
# The default is the newest evidenced PostHog: what PostHog Cloud runs is newer than the recorded
# server, and a client tested on `2025-08` would never see the 400s of the script-injection check
# that PostHog's code has had since February 2026. `2025-08` stays one option away for the
# answers that a real server confirmed.
DEFAULT_VERSION: Final = NEWEST_VERSION
# Names no longer accepted, with what to use instead (a clear error, never a silent alias).
RENAMED: Final = {"current": NEWEST_VERSION}

EvidenceKind = Literal["code", "pr", "report", "recording"]


class UnknownProfileError(ValueError):
    """A profile name that is neither a known version nor `<version>+<known changes>`."""


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence for a change, read where it lives.

    `kind` is `code` (a file of PostHog's code at a commit), `pr` (a pull request's thread or
    diff), `report` (a public report quoting PostHog Cloud's answer) or `recording` (a parity
    snapshot of the recorded server). `lines` names the lines or, where the copy was read
    through a code index without line numbers, the function. `first_seen` and `last_seen` are
    the dates (YYYY-MM-DD) of the copies read, empty when the copy carries no date. `before`
    marks evidence of what the recorded server did instead (the other side of the change).
    """

    kind: EvidenceKind
    repository: str
    path: str
    note: str
    commit: str = ""
    lines: str = ""
    url: str = ""
    first_seen: str = ""
    last_seen: str = ""
    before: bool = False

    def where(self) -> str:
        """Where a reviewer can open it: the URL, or repository@commit:path:lines."""
        if self.url:
            return self.url
        if self.kind == "recording":
            return self.path
        at = f"@{self.commit[:12]}" if self.commit else ""
        lines = f":{self.lines}" if self.lines else ""
        return f"{self.repository}{at}:{self.path}{lines}"

    def to_json(self) -> dict[str, str | bool]:
        """Return every field, for `GET /_mock/config`."""
        return {
            "kind": self.kind,
            "repository": self.repository,
            "commit": self.commit,
            "path": self.path,
            "lines": self.lines,
            "url": self.url,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "before": self.before,
            "note": self.note,
        }


@dataclass(frozen=True)
class Change:
    """One PostHog change after the base version: what it changes and the evidence for it."""

    id: str
    summary: str
    evidence: tuple[Evidence, ...]

    @property
    def first_seen(self) -> str:
        """Return the earliest date any evidence of the change was seen ('' when none is)."""
        return min((e.first_seen for e in self.after if e.first_seen), default="")

    @property
    def last_seen(self) -> str:
        """Return the latest date any evidence of the change was seen ('' when none is)."""
        return max((e.last_seen or e.first_seen for e in self.after), default="")

    @property
    def after(self) -> tuple[Evidence, ...]:
        """Return the evidence of the change itself (not of the recorded server's answer)."""
        return tuple(e for e in self.evidence if not e.before)

    def to_json(self) -> dict[str, object]:
        """Return the change with its evidence, for `GET /_mock/config`."""
        return {
            "id": self.id,
            "summary": self.summary,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "evidence": [e.to_json() for e in self.evidence],
        }


@dataclass(frozen=True)
class Withdrawn:
    """A claimed change the mock no longer makes: why, and what the code read shows instead."""

    id: str
    claim: str
    reason: str
    evidence: tuple[Evidence, ...]


POSTHOG: Final = "PostHog/posthog"
RECORDED_COMMIT: Final = "29dbf9d2d99362379373a38a4c3b917760c993bc"
RECORDED_DATE: Final = "2025-08-04"
# The recordings of this repository (parity snapshots of the recorded server).
RECORDINGS: Final = "parity recordings"
# A fork of PostHog's code whose web_experiment.py carries the check PR #47791 added.
FORK: Final = "hanzoai/insights"
FORK_COMMIT: Final = "978a866e7aa33b1b88dc2686f65b96c280ebd207"
# Another copy of PostHog's own web_experiment.py held by the code index.
UPSTREAM_COMMIT: Final = "8e4cd150a0a1328cebd30df7a9b8bd7b87b95e22"

WWW_AUTHENTICATE_ON_401: Final = "www_authenticate_on_401"
PERSONAL_API_KEY_WORDING: Final = "personal_api_key_wording"
TRANSFORM_SCRIPT_INJECTION_CHECK: Final = "transform_script_injection_check"

# One entry per PostHog change, oldest evidence first.
CHANGES: Final[tuple[Change, ...]] = (
    Change(
        TRANSFORM_SCRIPT_INJECTION_CHECK,
        "in each non-control variant, right after a transform's selector check, its `text` then"
        " its `html` (string values only) are searched, in this order, for `<script...>`,"
        " `</script>`, whitespace then `on<word>=`, `javascript:`, `data:text/html`,"
        " `<iframe...>`, `<object...>`/`<embed...>`: 400 `Transform text in variant '<name>'"
        " contains disallowed <script> tags` (or `</script> tags`, `event handlers"
        " (onclick, onerror, etc.)`, `javascript: protocol`, `data:text/html`, `<iframe> tags`,"
        " `<object> or <embed> tags`; `Transform html ...` for the html); control variants"
        " are never checked (recorded: stored as sent, 201). Wording read from a fork after"
        " PR #47791, not seen on a server",
        (
            Evidence(
                "pr",
                POSTHOG,
                "posthog/api/web_experiment.py, posthog/api/test/test_web_experiment.py",
                "merged: replaces the sanitisation of PR #47418 (2026-02-10) with validation"
                ' errors; its test posts a transform text `<script>alert("XSS")</script>Hello`'
                " and expects 400. The stored thread shows the test's diff, not the wording",
                url="https://github.com/PostHog/posthog/pull/47791",
                first_seen="2026-02-12",
            ),
            Evidence(
                "code",
                FORK,
                "posthog/api/web_experiment.py",
                "`validate_no_xss(content, field_name)` (lines 23-55: the seven patterns and"
                " messages, re.IGNORECASE) called inside `WebExperimentsAPISerializer.validate`'s"
                " loop for non-control variants, after each transform's selector check: text"
                " (171-172), then html (173-174), only when a str. The copy is undated; it has"
                " what PR #47791 added, so it is newer than 2026-02-12",
                commit=FORK_COMMIT,
                lines="23-55, 159-176",
            ),
            Evidence(
                "recording",
                RECORDINGS,
                "parity/snapshots/script_tag_rejected.json",
                "the recorded server stores a <script> tag in a transform's html as sent (201)",
                first_seen=RECORDED_DATE,
                before=True,
            ),
        ),
    ),
    Change(
        WWW_AUTHENTICATE_ON_401,
        'every 401 carries `WWW-Authenticate: Bearer resource_metadata="<site URL>/.well-known/'
        "oauth-protected-resource\"`, the site URL being the server's own (PostHog pins it to"
        " SITE_URL; Host and X-Forwarded-* do not steer it); the recorded server sent no such"
        " header",
        (
            Evidence(
                "code",
                POSTHOG,
                "posthog/exceptions.py",
                "`exception_handler` wraps drf-exceptions-hog; on a 401 without a view's own"
                ' challenge it sets `WWW-Authenticate: Bearer resource_metadata="{absolute_uri('
                "'/.well-known/oauth-protected-resource')}\"`, pinned to SITE_URL rather than"
                " request.build_absolute_uri()",
                commit="4d00047c1ac46331e815e0ddf150413ea75db2eb",
                lines="151-182",
            ),
            Evidence(
                "code",
                POSTHOG,
                "posthog/settings/web.py",
                "the recorded server's EXCEPTION_HANDLER is `exceptions_hog.exception_handler`"
                " itself: no WWW-Authenticate on 401",
                commit=RECORDED_COMMIT,
                lines="279",
                first_seen=RECORDED_DATE,
                before=True,
            ),
            Evidence(
                "recording",
                RECORDINGS,
                "parity/snapshots/auth_no_credentials_list.json",
                "the recorded server's 401 has no WWW-Authenticate header",
                first_seen=RECORDED_DATE,
                before=True,
            ),
        ),
    ),
    Change(
        PERSONAL_API_KEY_WORDING,
        "a method that is no action of the route, with a scoped key: 403 `This action does not"
        " support personal API key access` (recorded: `Personal API Key access`)",
        (
            Evidence(
                "code",
                POSTHOG,
                "posthog/permissions.py",
                '`self.message = "This action does not support personal API key access"` when'
                " no scope is required for the action (a copy read through the code index,"
                " which gives no line numbers)",
                commit="001027ced3127c76229e5b8c8802924d0ef94cef",
                lines="APIScopePermission.has_permission",
            ),
            Evidence(
                "report",
                POSTHOG,
                "issue #58806",
                "PostHog Cloud answers personal API keys on unscoped custom actions with 403"
                ' "This action does not support personal API key access"',
                url="https://github.com/PostHog/posthog/issues/58806",
                first_seen="2026-05-18",
                last_seen="2026-05-18",
            ),
            Evidence(
                "code",
                POSTHOG,
                "posthog/permissions.py",
                'the recorded server: `f"This action does not support Personal API Key access"`',
                commit=RECORDED_COMMIT,
                lines="416",
                first_seen=RECORDED_DATE,
                before=True,
            ),
        ),
    ),
)

# Changes once claimed (from a reference page) that the code read contradicts or no source shows.
# Their inputs answer as on `2025-08` in every profile: PostHog's 500, or strict mode's clear 400.
WITHDRAWN: Final[tuple[Withdrawn, ...]] = (
    Withdrawn(
        "falsy_variants_rejected",
        "`variants` `0`, `0.0` or `false`: 400 `Experiment variants should be a dictionary ...`",
        "contradicted: every copy keeps `if variants and not isinstance(variants, dict)`, so a"
        ' falsy value reaches `"control" not in variants` and raises (500)',
        (
            Evidence(
                "code",
                POSTHOG,
                "posthog/api/web_experiment.py",
                "the recorded server",
                commit=RECORDED_COMMIT,
                lines="120-123",
                first_seen=RECORDED_DATE,
            ),
            Evidence(
                "code",
                POSTHOG,
                "posthog/api/web_experiment.py",
                "an upstream copy held by the code index (undated): the same lines",
                commit=UPSTREAM_COMMIT,
                lines="55-58",
            ),
            Evidence(
                "code",
                FORK,
                "posthog/api/web_experiment.py",
                "after PR #47791: unchanged",
                commit=FORK_COMMIT,
                lines="155-158",
            ),
        ),
    ),
    Withdrawn(
        "non_object_variants_rejected",
        "a variant or a non-control transform that is not an object: 400 `... should be a"
        " dictionary`",
        "contradicted: every copy calls `.get` on each variant and transform (500); no such"
        " message exists in PostHog's code",
        (
            Evidence(
                "code",
                POSTHOG,
                "posthog/api/web_experiment.py",
                "the recorded server",
                commit=RECORDED_COMMIT,
                lines="124-133",
                first_seen=RECORDED_DATE,
            ),
            Evidence(
                "code",
                POSTHOG,
                "posthog/api/web_experiment.py",
                "an upstream copy held by the code index (undated): the same loop",
                commit=UPSTREAM_COMMIT,
                lines="59-68",
            ),
            Evidence(
                "code",
                FORK,
                "posthog/api/web_experiment.py",
                "after PR #47791: unchanged",
                commit=FORK_COMMIT,
                lines="159-168",
            ),
        ),
    ),
    Withdrawn(
        "split_percentage_checks",
        "each split percentage a number within 0..100: 400 `... must be a number, got str` /"
        " `... must be between 0 and 100, got 150`",
        "no source wired into the serializer shows it: `validate_filters` only sums the"
        " percentages (a string raises, 500; 150 and -50 pass)",
        (
            Evidence(
                "code",
                POSTHOG,
                "posthog/api/feature_flag.py",
                "the recorded server's `validate_filters`: the sum check only",
                commit=RECORDED_COMMIT,
                lines="256-310",
                first_seen=RECORDED_DATE,
            ),
        ),
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
    NEWEST_VERSION: Profile(NEWEST_VERSION, frozenset(CHANGES_BY_ID)),
}


def get_profile(name: str) -> Profile:
    """Return the profile `name`: a version of `PROFILES`, or `<version>+<change>[,<change>]`."""
    if name in PROFILES:
        return PROFILES[name]
    if name in RENAMED:
        raise UnknownProfileError(
            f"unknown PostHog version {name!r}: it was renamed {RENAMED[name]!r} (the newest"
            f" PostHog the evidence shows); expected one of {', '.join(PROFILES)}"
        )
    base, plus, extra = name.partition("+")
    if not plus or base not in PROFILES or not extra:
        raise UnknownProfileError(
            f"unknown PostHog version {name!r}: expected one of {', '.join(PROFILES)}"
            f" or '{BASE_VERSION}+<change>[,<change>]'"
        )
    wanted = [part.strip() for part in extra.split(",")]
    unknown = [part for part in wanted if part not in CHANGES_BY_ID]
    if unknown:
        withdrawn = {w.id for w in WITHDRAWN} & set(unknown)
        hint = (
            f" ({', '.join(sorted(withdrawn))}: withdrawn, no PostHog source)" if withdrawn else ""
        )
        raise UnknownProfileError(
            f"unknown PostHog change(s) {', '.join(map(repr, unknown))} in {name!r}{hint}; known:"
            f" {', '.join(CHANGES_BY_ID) or 'none'}"
        )
    return Profile(name, PROFILES[base].changes | frozenset(wanted))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def evidence_lines(evidence: tuple[Evidence, ...]) -> str:
    """Render the evidence of a change as one Markdown table cell (one item per piece)."""
    items = []
    for e in evidence:
        seen = f" ({e.first_seen})" if e.first_seen else ""
        side = "before: " if e.before else ""
        items.append(f"{side}{e.kind}: `{e.where()}`{seen}: {e.note}")
    return _cell("<br>".join(items))


def changes_markdown() -> str:
    """Render the mock README's tables of changes and of withdrawn claims from this data."""
    lines = [
        f"| change | what `{NEWEST_VERSION}` answers (and `{BASE_VERSION}` does not) | first seen"
        " | evidence |",
        "|---|---|---|---|",
    ]
    for change in CHANGES:
        lines.append(
            f"| `{change.id}` | {_cell(change.summary)} | {change.first_seen or 'undated'} |"
            f" {evidence_lines(change.evidence)} |"
        )
    lines += [
        "",
        "Withdrawn (every profile answers these inputs as `2025-08` does; `--strict` answers the"
        " clear 400):",
        "",
        "| claim | was | why withdrawn | evidence |",
        "|---|---|---|---|",
    ]
    for item in WITHDRAWN:
        lines.append(
            f"| `{item.id}` | {_cell(item.claim)} | {_cell(item.reason)} |"
            f" {evidence_lines(item.evidence)} |"
        )
    return "\n".join(lines)


def version_help() -> str:
    """Return the `--posthog-version` help: the versions and each change's evidence, briefly."""
    parts = [
        f"answer as this PostHog: {BASE_VERSION} (the recorded server, {RECORDED_DATE}) or"
        f" {NEWEST_VERSION} ({BASE_VERSION} plus every evidenced change; default: the config's,"
        f" else {DEFAULT_VERSION}), or {BASE_VERSION}+<change>[,<change>]. Changes:"
    ]
    for change in CHANGES:
        sources = "; ".join(f"{e.kind} {e.where()}" for e in change.after)
        seen = f", first seen {change.first_seen}" if change.first_seen else ""
        parts.append(f"{change.id} ({sources}{seen})")
    return " ".join(parts[:1]) + " " + ", ".join(parts[1:])
