"""Surface generator: the whole HTTP surface, in lockstep on a reference server and a fresh mock.

Where the differential fuzzer varies what `openapi.yaml` describes, this varies what it does
not: method (unknown ones too) x route form (no slash, format suffix, unknown sub-paths at each
level) x key kind, project segment forms `int()` accepts or rejects, header forms, body
encodings, number forms and nesting in the variants, unlisted fields and stateful sequences,
every write read back through retrieve and list. Each probe creates what it needs and deletes
it after; the requests go through `Lockstep` (projects written in any form map to the other
server's in the same form) and the report is the fuzzer's: differences by kind, first example,
count of differing request pairs.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Final
from urllib.parse import quote

from live_road.facts import created_id
from live_road.policy import UnsafeRequestRefusedError
from parity import surface_families
from parity.executor import INTERRUPTION
from parity.fuzz import add_run_arguments, command_line, lockstep_sides, publish, render, tally
from parity.lockstep import AS_WRITTEN, Lockstep, Outcome, RawRequest, signed
from parity.model import words
from parity.surface_families import NUMBER_FORMS
from parity.targets import RECORDED_PROFILE, TargetConfigError, int_form

ORIGIN: Final = "surface"
JSON: Final = "application/json"
DISPOSITION: Final = "Content-Disposition: form-data; name="
METHODS: Final = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "FOO")
EXTRA_METHODS: Final = ("PROPFIND", "CONNECT", "get")
KEY_ROLES: Final = ("all", "read", "write", "flag_read", "other_only", "legacy", "unknown", None)
# Route forms below `/api/projects/{p}/`, `{id}` a live experiment of the probe.
ROUTE_FORMS: Final = words(
    "web_experiments/ web_experiments web_experiments.json web_experiments.api"
    " web_experiments/{id}/ web_experiments/{id} web_experiments/{id}.json"
    " web_experiments/{id}/results/ web_experiments/{id}/results web_experiments/{id}/x/y/"
    " web_experiments/x/y/ web_experiments/x/ web%5Fexperiments/ web_experiments/%7Bid%7D/"
    " unknown_resource/"
)
# Forms of a project id, `{}` the number written in ASCII digits; `fullwidth` and `arabic`
# (Arabic-Indic) re-write it in another script. Python's `int()` accepts the first group,
# PostHog looks projects up with it; the rest: a form feed, a minus, a trailing letter, a
# decimal, hex, two underscores, empty, a broken escape, `@current`, `@other`, a NUL.
PROJECT_FORMS: Final = (
    *words("{} fullwidth arabic %09{} {}%0A %20{} {}%20 +{} 0{} 0_{}"),
    *words("%0C{} -{} {}a {}.0 0x{} 0__{}"),
    "",
    *words("%3{} @current @other {}%00"),
)


class RequestBoundReachedError(RuntimeError):
    """The run sent as many requests as `--max-requests` allows."""

    def __init__(self, bound: int) -> None:
        """Say which bound was reached."""
        super().__init__(f"stopped at the bound of {bound} requests (--max-requests)")


class Probes:
    """The generator: builds requests in the reference's terms and sends them in lockstep."""

    def __init__(self, lockstep: Lockstep, seed: int, *, max_requests: int | None = None) -> None:
        """Generate for `lockstep`'s reference, the choices drawn from `seed`.

        `max_requests` bounds the run: the families stop at that many requests, in order.
        """
        self.max_requests = max_requests
        self.lockstep = lockstep
        self.random = random.Random(seed)  # noqa: S311 (reproducible choices, not secrets)
        self.ref = lockstep.sides.reference
        self.other = lockstep.sides.other
        self.counter = 0
        self.cleaned: set[int] = set()

    # -- building blocks --------------------------------------------------------------------

    def key(self, role: str | None) -> str | None:
        """Return the reference's key of a role (None: no key)."""
        return None if role is None else self.ref.all_keys()[role]

    def project(self, form: str = "{}", role: str = "main") -> str:
        """Return a project segment in `form`, registered so the other server gets that form."""
        ref_id = self.ref.all_projects()[role]
        other_id = self.other.all_projects()[role]
        if not ref_id.isdigit():
            return ref_id
        segment = int_form(form, ref_id)
        if segment != ref_id:
            self.lockstep.project_forms[segment] = int_form(form, other_id)
        return segment

    def name(self) -> str:
        """Return a name no earlier request of the run used (flag keys stay distinct)."""
        self.counter += 1
        return f"Surface probe {self.counter}"

    def send(
        self,
        method: str,
        path: str,
        role: str | None = "all",
        *,
        body: bytes = b"",
        content_type: str | None = None,
        headers: Sequence[tuple[str, str]] = (),
    ) -> Outcome:
        """Send one request in lockstep."""
        request = signed(
            method,
            path,
            self.key(role),
            body=body,
            content_type=content_type,
            headers=headers,
            origin=ORIGIN,
        )
        return self.exchange(request)

    def exchange(self, request: RawRequest) -> Outcome:
        """Send one request in lockstep, unless a stop was asked or the bound is reached."""
        INTERRUPTION.check()
        if self.max_requests is not None and len(self.lockstep.outcomes) >= self.max_requests:
            raise RequestBoundReachedError(self.max_requests)
        return self.lockstep.exchange(request)

    def send_json(
        self, method: str, path: str, role: str | None = "all", doc: Any = None
    ) -> Outcome:
        """Send a JSON document (None: no body)."""
        if doc is None:
            return self.send(method, path, role)
        return self.send(
            method, path, role, body=json.dumps(doc).encode(), content_type="application/json"
        )

    def valid(self) -> dict[str, Any]:
        """Return a valid create body with a fresh name."""
        return {"name": self.name(), "variants": {"control": {"rollout_percentage": 100}}}

    def collection(self, form: str = "{}") -> str:
        """Return the list route of the main project."""
        return f"/api/projects/{self.project(form)}/web_experiments/"

    def detail(self, experiment_id: int | None) -> str:
        """Return the detail route of an experiment of the main project."""
        return f"{self.collection()}{experiment_id}/"

    def create(self) -> int | None:
        """Create an experiment in the main project; its reference id (None: not created)."""
        outcome = self.send_json("POST", self.collection(), "all", self.valid())
        return _outcome_id(outcome)

    def read_back(self, experiment_id: int | None) -> None:
        """Retrieve the experiment and list the project."""
        if experiment_id is not None:
            self.send("GET", self.detail(experiment_id))
        self.send("GET", self.collection())

    def cleanup(self) -> None:
        """Delete every experiment the run made on either server, uncompared."""
        ids, sides = self.lockstep.ids, self.lockstep.sides
        made_on_other = [o for _, o in ids.pairs] + sorted(ids.other_only)
        for sign, target, session, made in (
            (1, self.ref, sides.reference_session, ids.reference_ids()),
            (-1, self.other, sides.other_session, made_on_other),
        ):
            auth = {"Authorization": f"Bearer {target.keys['all']}"}
            projects = [target.projects[r] for r in ("main", "other") if r in target.projects]
            for experiment_id in made:
                if sign * experiment_id in self.cleaned:
                    continue
                for project in projects:
                    url = f"{target.base_url}/api/projects/{project}/web_experiments/"
                    session.delete(f"{url}{experiment_id}/", headers=auth, timeout=60)
                self.cleaned.add(sign * experiment_id)

    # -- probe families ---------------------------------------------------------------------

    def methods_routes_keys(self) -> None:
        """Every method x route form, with the `all` key and a seeded sample of the others."""
        for route in ROUTE_FORMS:
            experiment_id = self.create()
            methods = list(METHODS)
            self.random.shuffle(methods)
            below = route.replace("{id}", str(experiment_id))
            for method in methods:
                for role in ["all", *self.random.sample(KEY_ROLES[1:], 3)]:
                    path = f"/api/projects/{self.project()}/{below}"
                    if method in ("POST", "PUT", "PATCH", "FOO"):
                        self.send_json(method, path, role, self.valid())
                    else:
                        self.send(method, path, role)
            self.read_back(experiment_id)
            self.cleanup()
        for method in EXTRA_METHODS:
            for role in ("all", "read", "legacy"):
                self.send(method, self.collection(), role)
                self.send(method, self.detail(2147483647), role)

    def project_segments(self) -> None:
        """Project segment forms x the main operations x a seeded sample of key kinds."""
        for form in PROJECT_FORMS:
            for role in ("all", self.random.choice(("read", "write", "other_only", "legacy"))):
                segment = self.project(form)
                base = f"/api/projects/{segment}/web_experiments/"
                self.send("GET", base, role)
                if self.random.random() < 0.5:
                    self.send("OPTIONS", base, role)
                created = _outcome_id(self.send_json("POST", base, role, self.valid()))
                experiment_id = created or self.create()
                self.send("GET", f"{base}{experiment_id}/", role)
                if self.random.random() < 0.5:
                    self.send_json("PATCH", f"{base}{experiment_id}/", role, {"name": self.name()})
                self.send("DELETE", f"{base}{experiment_id}/", role)
                self.send("GET", self.collection())
                self.cleanup()
        for role in ("other", "foreign", "missing"):
            base = f"/api/projects/{self.project('{}', role)}/web_experiments/"
            for key_role in ("all", "other_only", "read"):
                self.send("GET", base, key_role)
                self.send_json("POST", base, key_role, self.valid())
                self.send("OPTIONS", base, key_role)
            self.cleanup()

    def body_encodings(self) -> None:
        """Create in every body encoding; read each back."""
        self.name()  # one name drawn first: the run's names stay those of its reports
        for content_type, body in self._encodings():
            created = self.send("POST", self.collection(), body=body, content_type=content_type)
            experiment_id = _outcome_id(created)
            if experiment_id is not None:
                patched = body.replace(b"Surface", b"Patched")
                self.send(
                    "PATCH", self.detail(experiment_id), body=patched, content_type=content_type
                )
            self.read_back(experiment_id)
            self.cleanup()

    def _encodings(self) -> Iterator[tuple[str | None, bytes]]:
        variants = '{"control": {"rollout_percentage": 100}}'
        for content_type in (
            "application/json",
            "application/json; charset=utf-8",
            "application/json; charset=UTF-8",
            "application/json;charset=latin-1",
            "application/json; charset=utf-16",
            "APPLICATION/JSON",
            "application/vnd.api+json",
            "application/merge-patch+json",
            "text/json",
            "text/plain",
            None,
            "application/json, text/plain",
        ):
            yield content_type, json.dumps(self.valid()).encode()
        name = self.name()
        yield "application/json", b"\xef\xbb\xbf" + json.dumps({"name": name}).encode()
        yield "application/json", json.dumps(self.valid()).encode("utf-16")
        yield (
            "application/json",
            json.dumps({"name": "Caf\u00e9 " + self.name()}, ensure_ascii=False).encode("latin-1"),
        )
        yield "application/json", b" \n\t" + json.dumps(self.valid()).encode() + b"\n "
        yield (
            "application/x-www-form-urlencoded",
            f"name={quote(self.name())}&variants={quote(variants)}".encode(),
        )
        yield "application/x-www-form-urlencoded", f"name={quote(self.name())}".encode()
        yield (
            "application/x-www-form-urlencoded; charset=utf-8",
            f"name={quote(self.name())}&name=second".encode(),
        )
        boundary = "surfaceboundary"
        parts = [
            f'--{boundary}\r\n{DISPOSITION}"name"\r\n\r\n{self.name()}\r\n',
            f'--{boundary}\r\n{DISPOSITION}"variants"\r\n\r\n{variants}\r\n',
            f"--{boundary}--\r\n",
        ]
        yield f"multipart/form-data; boundary={boundary}", "".join(parts).encode()
        yield f"multipart/form-data; boundary={boundary}", "".join(parts[:1] + parts[2:]).encode()

    def post_raw(self, body: str) -> int | None:
        """POST a JSON body written as is (numbers keep their form); the created id or None."""
        outcome = self.send("POST", self.collection(), body=body.encode(), content_type=JSON)
        return _outcome_id(outcome)

    def numbers(self) -> None:
        """Send number forms in every numeric place of the variants; read each create back."""
        for number in NUMBER_FORMS:
            controls = (
                f'{{"rollout_percentage": 100, "x": {number}}}',
                f'{{"rollout_percentage": {number}}}, "test": {{"rollout_percentage": 0}}',
                f'{{"rollout_percentage": 100, "transforms": [{{"selector": "#a", "n": {number}}}]'
                "}",
            )
            for control in (controls[0], self.random.choice(controls[1:])):
                experiment_id = self.post_raw(_body(self.name(), control))
                if experiment_id is not None:
                    patch = f'{{"rollout_percentage": 100, "y": [{number}, {{"z": {number}}}]}}'
                    body = f'{{"variants": {{"control": {patch}}}}}'.encode()
                    self.send("PATCH", self.detail(experiment_id), body=body, content_type=JSON)
                self.read_back(experiment_id)
                self.cleanup()
        for number in ("1", "1.5", "-0.0", "1e16"):
            self.read_back(self.post_raw(_body(number, '{"rollout_percentage": 100}', raw=True)))
            self.cleanup()
        for depth in (5, 20, 31):
            for opener, closer in (("[", "]"), ('{"a":', "}")):
                nested = opener * depth + "1" + closer * depth
                control = f'{{"rollout_percentage": 100, "deep": {nested}}}'
                self.read_back(self.post_raw(_body(self.name(), control)))
                self.cleanup()

    def headers(self) -> None:
        """Send Authorization, Accept and query forms on the list and detail routes."""
        key = self.ref.keys["all"]
        experiment_id = self.create()
        auth_forms = (
            f"Bearer {key}",
            f"bearer {key}",
            f"BEARER {key}",
            f"Bearer  {key}",
            f"Bearer {key} ",
            f"Bearer\t{key}",
            f"Token {key}",
            f"Basic {key}",
            key,
            "Bearer",
            "Bearer ",
            f"Bearer {key}, Bearer {key}",
        )
        for form in auth_forms:
            for path in (self.collection(), self.detail(experiment_id)):
                self.lockstep.exchange(
                    RawRequest("GET", path, (("Authorization", form),), b"", ORIGIN)
                )
        for accept in (
            "application/json",
            "*/*",
            "text/html",
            "application/*",
            "application/json; q=0",
            "text/html, application/json;q=0.1",
            "",
            "application/vnd.api+json",
            "APPLICATION/JSON",
        ):
            self.send("GET", self.collection(), "all", headers=(("Accept", accept),))
            self.send("OPTIONS", self.collection(), "read", headers=(("Accept", accept),))
        queries = "?format=json ?format=api ?limit=1&offset=0 ?limit=%EF%BC%91 ?limit=+1 ?limit=1_0"
        for query in (*words(queries + " ?offset=%091"), f"?personal_api_key={key}"):
            self.send("GET", self.collection() + query, "all")
            self.send("GET", self.collection() + query, None)
        self.read_back(experiment_id)
        self.cleanup()

    def unlisted_fields(self) -> None:
        """Send fields the spec does not list, on create and update; read them back."""
        extras: tuple[dict[str, Any], ...] = (
            {"id": 12345},
            {"created_at": "2020-01-01T00:00:00Z"},
            {"feature_flag_key": "chosen-key"},
            {"type": "web"},
            {"unknown": {"nested": [1, 2]}},
            {"personal_api_key": self.ref.keys["all"]},
            {"variants": None},
            {"name": None},
            {"deleted": True},
            {"team_id": 1},
        )
        for extra in extras:
            role = "read" if "personal_api_key" in extra else "all"
            created = self.send_json("POST", self.collection(), role, {**self.valid(), **extra})
            experiment_id = _outcome_id(created)
            if experiment_id is not None:
                self.send_json("PATCH", self.detail(experiment_id), "all", extra)
                self.send_json("PUT", self.detail(experiment_id), "all", {**self.valid(), **extra})
            self.read_back(experiment_id)
            self.cleanup()

    def stateful(self) -> None:
        """Run sequences: update, replace, delete twice, writes after delete, lists between."""
        first, second = self.create(), self.create()
        for experiment_id in (first, second):
            detail = self.detail(experiment_id)
            halves = {"control": {"rollout_percentage": 50}, "test": {"rollout_percentage": 50}}
            self.send_json("PATCH", detail, "write", {"variants": halves})
            self.send("GET", self.collection() + "?limit=1")
            self.send_json("PUT", detail, "write", {"name": self.name()})
            self.send_json("PATCH", detail, "read", {"name": self.name()})
            self.send("DELETE", detail, "write")
            self.send("DELETE", detail, "write")
            self.send_json("PATCH", detail, "write", {"name": self.name()})
            self.send("GET", detail)
            self.send("GET", self.collection() + "?offset=1")
        self.cleanup()

    def run(self) -> None:
        """Run every family, in a fixed order; the seed only shuffles within one."""
        families: list[Callable[[], None]] = [
            self.methods_routes_keys,
            self.project_segments,
            self.body_encodings,
            self.numbers,
            self.headers,
            self.unlisted_fields,
            self.stateful,
            *surface_families.families(self),
        ]
        try:
            for family in families:
                family()
        finally:
            self.cleanup()


def _body(name: str, control: str, *, raw: bool = False) -> str:
    """Write a create body with `control` as is; `name` quoted unless `raw`."""
    written = name if raw else json.dumps(name)
    return f'{{"name": {written}, "variants": {{"control": {control}}}}}'


def _outcome_id(outcome: Outcome) -> int | None:
    if outcome.reference is None:
        return None
    return created_id(outcome.reference)


DEFAULT_MAX_CREATES: Final = 1500


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of `python -m parity surface`."""
    add_run_arguments(parser, max_creates=DEFAULT_MAX_CREATES, seed_help="seed")
    parser.add_argument(
        "--posthog-version",
        default=RECORDED_PROFILE,
        help=f"the mocks' PostHog version profile (default {RECORDED_PROFILE}, as recorded)",
    )
    parser.add_argument(
        "--max-requests",
        type=int,
        default=None,
        help="stop after this many lockstep requests (families in order; default: all)",
    )


def run(args: argparse.Namespace) -> int:
    """Run the generator; print (and write) the report; 1 when a difference remains."""
    stopped = ""
    try:
        with lockstep_sides(
            args, tool="parity-surface", profile=args.posthog_version, own_server=True
        ) as sides:
            lockstep = Lockstep(sides, max_creates=args.max_creates, rules=AS_WRITTEN)
            try:
                Probes(lockstep, args.seed, max_requests=args.max_requests).run()
            except RequestBoundReachedError as exc:
                stopped = f"\n{exc}."
            except KeyboardInterrupt:
                stopped = "\ninterrupted: the report covers the requests sent so far."
    except (TargetConfigError, ValueError, UnsafeRequestRefusedError) as exc:
        print(f"error: parity surface {exc}", file=sys.stderr)
        return 2
    result = tally(lockstep)
    options = ("--against-mock", "--seed", "--posthog-version", "--max-requests")
    command = command_line("python -m parity surface", args, options)
    reference = "mock" if args.against_mock else "live"
    report = render(
        result, reference=reference, other="mock", command=command, title="Surface probes"
    )
    publish(report, sides.reference, args.output, note="." + stopped)
    return 1 if result.differences else 0
