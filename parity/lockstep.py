"""Lockstep: one request sent to a reference server and to another, ids mapped, answers diffed.

The request is written in the reference's terms (its project ids, keys and experiment ids); the
other server gets the same request with each of those replaced by its counterpart: projects and
keys by role (`ParityTarget`), experiments by the `IdMap` pairing the object each create made on
either side. Both answers go through the parity transformers, experiment ids become the number
of their pair, and every differing path is a `Finding`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import quote, unquote

import requests

from live_road.bodies import body_hazards
from live_road.facts import HOP_BY_HOP, WRITE_METHODS, created_id, segment_id
from live_road.policy import UnsafeRequestRefusedError
from parity.diff import Difference, diff_values
from parity.executor import summarise_response
from parity.targets import ParityTarget
from parity.transformers import TRANSFORMERS, label_ids, normalise

_ROUTE: Final = re.compile(
    r"^/api/projects/(?P<project>[^/]*)/web_experiments(?:/(?P<id>[^/]+))?(?P<rest>/.*)?$"
)
_DIGITS: Final = re.compile(r"\d[\d_]*")
_PROJECT: Final = re.compile(r"^/api/projects/(?P<project>[^/]*)(?P<rest>/.*)?$")
# Experiment ids the experiment-route translation leaves alone: with a format suffix
# (`12.json`), or below the route written with an encoded underscore.
_IDS_LEFT: Final = (
    re.compile(r"(?P<prefix>/web_experiments/)(?P<id>\d+)(?P<suffix>\.[a-z0-9]+)(?=/|$)"),
    re.compile(r"(?P<prefix>/web%5Fexperiments/)(?P<id>\d+)(?P<suffix>(?:\.[a-z0-9]+)?)(?=/|$)"),
)
API_PREFIX: Final = "/api/"
# Headers every schemathesis request carries that say nothing about the case.
UNREPORTED_HEADERS: Final = frozenset(
    {"host", "x-schemathesis-testcaseid", "user-agent", "accept-encoding", "connection"}
)
# Ids no server of a run can hold (above any id a development or cloud database has reached):
# reads of them go to both servers unchanged, so the answer to a huge id is compared too.
UNREACHABLE_ID: Final = 2**31
# What the other server gets for an id only the reference holds: an id it does not have either.
ABSENT_ON_OTHER: Final = 2**31 - 1
TIMEOUT_SECONDS: Final = 60.0
# PostHog stores values it cannot read back (posthog_mock/hazards.py), then answers 500 (or
# drops the connection) on every read of the project: such bodies are never sent to a live
# server.
READ_BREAKING_REASON: Final = (
    "not sent to a live server: PostHog stores it and then fails every read of the project"
    " (posthog_mock/hazards.py): "
)


@dataclass(frozen=True)
class RawRequest:
    """A request as it goes on the wire: method, path with query, headers in order, body."""

    method: str
    target: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    origin: str = ""

    @property
    def path(self) -> str:
        """The path without the query."""
        return self.target.split("?", 1)[0]

    def describe(self) -> dict[str, Any]:
        """Describe the request as JSON, as a report shows it."""
        described: dict[str, Any] = {"method": self.method, "target": self.target}
        headers = [[k, v] for k, v in self.headers if k.lower() not in UNREPORTED_HEADERS]
        if headers:
            described["headers"] = headers
        if self.body:
            text = self.body.decode("utf-8", errors="replace")
            described["body"] = text if len(text) <= 600 else text[:600] + "…"
        if self.origin:
            described["origin"] = self.origin
        return described


def signed(
    method: str,
    target: str,
    key: str | None,
    *,
    body: bytes = b"",
    content_type: str | None = None,
    headers: Sequence[tuple[str, str]] = (),
    origin: str = "",
) -> RawRequest:
    """Build a request: `Authorization: Bearer <key>` (None: none), `Content-Type`, `headers`."""
    sent = [] if key is None else [("Authorization", f"Bearer {key}")]
    if content_type is not None:
        sent.append(("Content-Type", content_type))
    return RawRequest(method, target, (*sent, *headers), body, origin)


@dataclass
class IdMap:
    """Experiment ids paired across the two servers: the reference's id ↔ the other's."""

    pairs: list[tuple[int, int]] = field(default_factory=list)
    reference_only: set[int] = field(default_factory=set)
    other_only: set[int] = field(default_factory=set)

    def add(self, reference_id: int, other_id: int) -> None:
        """Pair two ids made by the same request."""
        self.pairs.append((reference_id, other_id))

    def other_for(self, reference_id: int) -> int | None:
        """Return the other server's id of a reference id (None: not paired)."""
        return next((other for ref, other in self.pairs if ref == reference_id), None)

    def label(self, value: int, *, reference: bool) -> str:
        """`<id:N>` for the N-th pair, `<unpaired id>` for an id the other side lacks."""
        side = 0 if reference else 1
        for index, pair in enumerate(self.pairs, start=1):
            if pair[side] == value:
                return f"<id:{index}>"
        return f"<unpaired {'reference' if reference else 'other'} id {value}>"

    def reference_ids(self) -> list[int]:
        """Every id this run made on the reference, paired or not, in creation order."""
        return [ref for ref, _ in self.pairs] + sorted(self.reference_only)


@dataclass(frozen=True)
class Rules:
    """How a `Lockstep` aims and maps requests: what differs between the tools that use it.

    `steer`: aim ids and projects at what the run owns (schemathesis addresses anything);
    False sends each request as written (the surface generator aims only at what it owns).
    `every_project_path`: map projects and ids on every `/api/projects/` path, not only on the
    experiment routes: a registered project form (`Lockstep.project_forms`) maps to the same
    form of the other's project, an id with a format suffix (`12.json`) or below an encoded
    route word keeps its suffix.
    """

    steer: bool = True
    every_project_path: bool = False


# The fuzzer's rules (steered, mapped on the experiment routes) and the surface generator's
# (sent as written, mapped on every project path).
STEERED: Final = Rules()
AS_WRITTEN: Final = Rules(steer=False, every_project_path=True)


@dataclass
class Sides:
    """The two servers: the reference (live PostHog or a mock) and the other (a fresh mock)."""

    reference: ParityTarget
    reference_session: requests.Session
    other: ParityTarget
    other_session: requests.Session


@dataclass(frozen=True)
class Finding:
    """One differing path of one request."""

    index: int
    kind: str
    request: RawRequest
    difference: Difference


@dataclass
class Outcome:
    """What one request gave on both servers (None when it was not sent)."""

    request: RawRequest
    reference: requests.Response | None = None
    other: requests.Response | None = None
    findings: list[Finding] = field(default_factory=list)
    refused: str | None = None
    out_of_scope: bool = False
    reference_error: str | None = None
    other_error: str | None = None


def _replace_number(segment: str, value: int) -> str:
    """Replace the segment's number, keeping signs, spaces and encoding around it."""
    decoded = unquote(segment)
    replaced = _DIGITS.sub(str(value), decoded, count=1)
    return replaced if decoded == segment else quote(replaced, safe="")


def route_of(request: RawRequest) -> str:
    """Return the request's route with project and id as placeholders (for grouping)."""
    match = _ROUTE.match(request.path)
    if match is None:
        return request.path
    route = "/api/projects/{project}/web_experiments"
    if match.group("id") is not None:
        route += "/{id}"
    return route + (match.group("rest") or "")


class Lockstep:
    """Sends each request to both servers, keeps the id map, diffs and classifies the answers."""

    def __init__(
        self, sides: Sides, *, max_creates: int | None = None, rules: Rules = STEERED
    ) -> None:
        """Compare `sides` by `rules`."""
        self.sides = sides
        self.rules = rules
        # Project segments written in another form, mapped to that form of the other's project.
        self.project_forms: dict[str, str] = {}
        self.ids = IdMap()
        self.deleted: set[int] = set()
        self.max_creates = max_creates
        self.outcomes: list[Outcome] = []
        self.sent = 0
        ref, other = sides.reference, sides.other
        self._project_map = _role_map(ref.all_projects(), other.all_projects())
        self._key_map = _role_map(ref.all_keys(), other.all_keys())

    # -- requests ---------------------------------------------------------------------------

    def exchange(self, request: RawRequest) -> Outcome:
        """Steer, send to both servers, pair created ids, compare; the outcome is kept."""
        request = self.steer(request)
        outcome = Outcome(request)
        self.outcomes.append(outcome)
        refusal = self._refusal(request)
        if refusal is not None:
            outcome.refused = refusal
            return outcome
        try:
            outcome.reference = self._send(
                self.sides.reference_session, self.sides.reference.base_url, request
            )
        except UnsafeRequestRefusedError as exc:
            outcome.refused = str(exc)
            return outcome
        except requests.RequestException as exc:
            outcome.reference_error = _error_text(exc)
        if not request.path.startswith(API_PREFIX):
            # Schemathesis' own probes (`/`, `/login`, ...): the mock serves only the API.
            outcome.out_of_scope = True
            return outcome
        translated = self.translate(request)
        try:
            outcome.other = self._send(
                self.sides.other_session, self.sides.other.base_url, translated
            )
        except requests.RequestException as exc:
            outcome.other_error = _error_text(exc)
        self.sent += 1
        if outcome.reference is not None and outcome.other is not None:
            self._track(request, outcome.reference, outcome.other)
        outcome.findings = self.compare(len(self.outcomes) - 1, request, outcome)
        return outcome

    def _refusal(self, request: RawRequest) -> str | None:
        found = body_hazards(request.body) if self.sides.reference.live else []
        if found:
            return READ_BREAKING_REASON + ", ".join(found)
        match = _ROUTE.match(request.path)
        creates = (
            request.method.upper() == "POST" and match is not None and (match.group("id") is None)
        )
        if creates and self.max_creates is not None and self.creates() >= self.max_creates:
            return f"create budget of {self.max_creates} used"
        return None

    def creates(self) -> int:
        """Experiments made on the reference so far (paired or not)."""
        return len(self.ids.pairs) + len(self.ids.reference_only)

    def _send(self, session: requests.Session, base: str, request: RawRequest) -> requests.Response:
        headers: dict[str, str | None] = {name: None for name in session.headers}
        if request.method.upper() == "HEAD":
            # A WSGI server alone may send the body anyway: never reuse the connection (as the
            # parity executor does).
            headers["Connection"] = "close"
        for name, value in request.headers:
            if name.lower() in HOP_BY_HOP:
                continue
            if name in headers and headers[name] is not None:
                headers[name] = f"{headers[name]}, {value}"
            else:
                headers[name] = value
        return session.request(
            request.method,
            base + request.target,
            headers=headers,
            data=request.body or None,
            timeout=TIMEOUT_SECONDS,
            allow_redirects=False,
        )

    # -- ids, projects, keys ----------------------------------------------------------------

    def steer(self, request: RawRequest) -> RawRequest:
        """Aim a request at what this run owns on the reference, the same on both servers.

        A project id `int()` accepts that is not one of the target's becomes the main project
        (only configured projects are ever written to); an experiment id `int()` accepts that
        this run did not create becomes one it did (a live one for writes), keeping the form
        it was written in (`+0005` becomes `+<id>`). Reads of ids beyond any real one stay.
        Without `rules.steer`, the request is sent as written.
        """
        match = _ROUTE.match(request.path)
        if match is None or not self.rules.steer:
            return request
        path = request.path
        project = match.group("project")
        replacements: list[tuple[tuple[int, int], str]] = []
        known = set(self.sides.reference.all_projects().values())
        if project not in known and segment_id(project) is not None:
            replacements.append((match.span("project"), self.sides.reference.projects["main"]))
        raw_id = match.group("id")
        value = None if raw_id is None else segment_id(raw_id)
        if raw_id is not None and value is not None:
            write = request.method.upper() in WRITE_METHODS
            owned = self.ids.reference_ids()
            if value not in owned and (write or value < UNREACHABLE_ID):
                live = [i for i in owned if i not in self.deleted]
                # Writes go to a live experiment while one exists, else to a deleted one (404).
                candidates = (live or owned) if write else owned
                if candidates:
                    chosen = _pick(candidates, raw_id)
                    rewritten = _replace_number(raw_id, chosen)
                    if segment_id(rewritten) != chosen:
                        # A sign would address another id ("-12" is not 12): use the id as is.
                        rewritten = str(chosen)
                    replacements.append((match.span("id"), rewritten))
        if not replacements:
            return request
        for (start, end), text in sorted(replacements, reverse=True):
            path = path[:start] + text + path[end:]
        query = request.target[len(request.path) :]
        return _with_target(request, path + query)

    def translate(self, request: RawRequest) -> RawRequest:
        """Rewrite the request in the other server's terms: projects, keys, experiment ids."""
        path = request.path
        match = _ROUTE.match(path)
        if match is not None:
            raw_id = match.group("id")
            value = None if raw_id is None else segment_id(raw_id)
            if raw_id is not None and value is not None and value < UNREACHABLE_ID:
                other_id = self.ids.other_for(value)
                mapped = ABSENT_ON_OTHER if other_id is None else other_id
                start, end = match.span("id")
                path = path[:start] + _replace_number(raw_id, mapped) + path[end:]
            project = match.group("project")
            if project in self._project_map:
                start, end = match.span("project")
                path = path[:start] + self._project_map[project] + path[end:]
        query = self._keys(request.target[len(request.path) :])
        headers = tuple((name, self._keys(value)) for name, value in request.headers)
        body = request.body
        for ref_key, other_key in self._key_map.items():
            body = body.replace(ref_key.encode(), other_key.encode())
        if self.rules.every_project_path:
            path = self._every_project_path(request.path, path)
        return RawRequest(request.method, path + query, headers, body, request.origin)

    def _every_project_path(self, written: str, path: str) -> str:
        """Map the project (registered forms first) and the ids `_IDS_LEFT` finds on `path`."""
        original, match = _PROJECT.match(written), _PROJECT.match(path)
        if match is None or original is None:
            return path
        # From the request as written: the route translation may already have mapped the
        # project, and a mapped id can be another role's reference id (mock 1, foreign 1).
        project = original.group("project")
        mapped = self.project_forms.get(project) or self._project_map.get(project, project)
        rest = match.group("rest") or ""
        for pattern in _IDS_LEFT:
            rest = pattern.sub(self._other_id, rest)
        return f"/api/projects/{mapped}{rest}"

    def _other_id(self, match: re.Match[str]) -> str:
        other = self.ids.other_for(int(match.group("id")))
        if other is None:
            return match.group(0)
        return f"{match.group('prefix')}{other}{match.group('suffix')}"

    def _keys(self, text: str) -> str:
        for ref_key, other_key in self._key_map.items():
            text = text.replace(ref_key, other_key)
        return text

    def _track(
        self, request: RawRequest, reference: requests.Response, other: requests.Response
    ) -> None:
        match = _ROUTE.match(request.path)
        method = request.method.upper()
        if method == "POST":
            # Whatever route form a POST took, what it created is paired (or deleted later).
            ref_id = created_id(reference)
            other_id = created_id(other)
            if ref_id is not None and other_id is not None:
                self.ids.add(ref_id, other_id)
            elif ref_id is not None:
                self.ids.reference_only.add(ref_id)
            elif other_id is not None:
                self.ids.other_only.add(other_id)
        elif match is not None and method == "DELETE" and reference.status_code == 204:
            value = segment_id(match.group("id") or "")
            if value is not None:
                self.deleted.add(value)

    # -- comparison -------------------------------------------------------------------------

    def normalised(
        self,
        request: RawRequest,
        response: requests.Response | None,
        error: str | None = None,
        *,
        reference: bool,
    ) -> dict[str, Any]:
        """Normalise the exchange with the parity transformers, ids as their pair's number.

        Ids are labelled last, by their lockstep pair (`IdMap.label`), in place of the
        transformers' numbering by first appearance.

        A request that got no answer (connection reset, timeout) has the error as its status.
        """
        target = self.sides.reference if reference else self.sides.other
        summary = (
            {"status": f"no answer: {error}", "headers": {}, "body": None}
            if response is None
            else summarise_response(response)
        )
        exchange = {"rule": "", "request": request.describe(), "response": summary}
        kept = [t for t in TRANSFORMERS if t.name != "experiment_ids"]
        normalised = normalise([exchange], target, kept)[0]
        answer = normalised["response"]
        answer["body"] = label_ids(
            answer["body"], lambda value: self.ids.label(value, reference=reference)
        )
        return normalised

    def compare(self, index: int, request: RawRequest, outcome: Outcome) -> list[Finding]:
        """Every differing path of the two answers; after one, both servers are made to agree."""
        ref = self.normalised(request, outcome.reference, outcome.reference_error, reference=True)
        other = self.normalised(request, outcome.other, outcome.other_error, reference=False)
        differences = diff_values(ref["response"], other["response"], "response")
        if not differences:
            return []
        kind_base = f"{request.method.upper()} {route_of(request)}"
        statuses = f"{ref['response']['status']}/{other['response']['status']}"
        findings = [
            Finding(index, f"{kind_base} [{statuses}] {_generic_path(d.path)}", request, d)
            for d in differences
        ]
        self._reconcile(request, outcome)
        return findings

    def _reconcile(self, request: RawRequest, outcome: Outcome) -> None:
        """After a difference in what was written, make both servers agree again.

        An object only one server created is deleted there; an object only one server updated
        is deleted on both, so later requests on it compare like for like (404 on both).
        """
        if outcome.reference is None or outcome.other is None:
            return
        method = request.method.upper()
        if method in ("PUT", "PATCH"):
            updated = [200 <= r.status_code < 300 for r in (outcome.reference, outcome.other)]
            match = _ROUTE.match(request.path)
            value = None if match is None else segment_id(match.group("id") or "")
            if updated[0] != updated[1] and value is not None:
                other_id = self.ids.other_for(value)
                self._delete(self.sides.reference_session, self.sides.reference, request, value)
                self.deleted.add(value)
                if other_id is not None:
                    self._delete(self.sides.other_session, self.sides.other, request, other_id)
            return
        if method != "POST":
            return
        ref_id = created_id(outcome.reference)
        other_id = created_id(outcome.other)
        if ref_id is not None and other_id is None:
            self._delete(self.sides.reference_session, self.sides.reference, request, ref_id)
            self.deleted.add(ref_id)
        elif other_id is not None and ref_id is None:
            self._delete(self.sides.other_session, self.sides.other, request, other_id)

    def _delete(
        self,
        session: requests.Session,
        target: ParityTarget,
        request: RawRequest,
        experiment_id: int,
    ) -> None:
        match = _ROUTE.match(request.path)
        assert match is not None
        prefix = request.path[: match.end("project")]
        project = match.group("project")
        if target is self.sides.other and project in self._project_map:
            prefix = prefix[: match.start("project")] + self._project_map[project]
        url = f"{target.base_url}{prefix}/web_experiments/{experiment_id}/"
        headers = {"Authorization": f"Bearer {target.keys['all']}"}
        session.delete(url, headers=headers, timeout=TIMEOUT_SECONDS)


def _error_text(exc: requests.RequestException) -> str:
    """Name the kind of failure, without addresses or ports that change between runs."""
    reason = exc.__context__ or exc
    return f"{type(exc).__name__} ({type(reason).__name__})"


def _role_map(reference: Mapping[str, str], other: Mapping[str, str]) -> dict[str, str]:
    """Map reference value → other value for every role both have, longest first."""
    pairs = {reference[role]: other[role] for role in reference if role in other}
    return dict(sorted(pairs.items(), key=lambda item: -len(item[0])))


def _with_target(request: RawRequest, target: str) -> RawRequest:
    return RawRequest(request.method, target, request.headers, request.body, request.origin)


def _pick(ids: list[int], seed_value: str) -> int:
    digest = hashlib.sha256(seed_value.encode()).digest()
    return ids[int.from_bytes(digest[:4], "big") % len(ids)]


def _generic_path(path: str) -> str:
    return re.sub(r"\[\d+\]", "[*]", path)
