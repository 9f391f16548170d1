"""Hand-made mutations: requests the spec does not describe, sent in lockstep after schemathesis.

Wrong types in every body field, odd and missing headers, every key and project role, every
method on every route form, odd pagination values and bodies that are not JSON objects. Written
in the reference's terms; item requests address a live experiment of the run, made when none is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Final

from parity.corpus._helpers import split_test
from parity.lockstep import Lockstep, RawRequest, signed
from parity.model import words
from parity.targets import ParityTarget

CONTROL: Final = {"rollout_percentage": 100}
VALID: Final = {"name": "Mutation base", "variants": {"control": CONTROL}}

NAMES: Final[tuple[Any, ...]] = (
    123,
    1.5,
    True,
    None,
    [],
    {},
    "",
    "   ",
    "x" * 400,
    "x" * 401,
    " padded ",
    "a\u0000b",
    "Ünïcødé — ✓",
    "Hello, World!",
    "under_score-dash",
    "🙂" * 3,
    "-_-",
    "<b>bold</b>",
)
CONTROLS_NOT_OBJECTS: Final[tuple[Any, ...]] = (None, 1, [], "x", {})
VARIANTS: Final[tuple[Any, ...]] = (
    # Not an object of variants, then a control that is not an object, then odd percentages.
    *(None, 0, False, True, 1, 1.5, "x", "", [], [1], {}),
    {"test": {"rollout_percentage": 100}},
    *({"control": control} for control in CONTROLS_NOT_OBJECTS),
    *(
        {"control": {"rollout_percentage": percentage}}
        for percentage in (None, "100", True, 100.0, 150, -50, 99, [100])
    ),
    *(
        {"control": {"rollout_percentage": 100, "transforms": transforms}}
        for transforms in ("x", [1], [{"text": "no selector"}])
    ),
    split_test([{"text": "no selector"}]),
    split_test([{"selector": None}]),
    split_test([1]),
    split_test({}),
    {"control": {"rollout_percentage": 50}, "test": None},
    {"control": {"rollout_percentage": 50}, "": {"rollout_percentage": 50}},
    {
        "control": {"rollout_percentage": 50, "z": 1, "a": {"yy": 1, "b": 2}},
        "test": {"rollout_percentage": 50, "conditions": None, "variant_name": "t"},
    },
    split_test([{"selector": "h1", "html": "<script>x</script>"}]),
    {"control": {"rollout_percentage": 33.3}, "test": {"rollout_percentage": 66.7}},
    {"test": {"rollout_percentage": 50}, "control": {"rollout_percentage": 50}},
)
CREATED_AT: Final[tuple[Any, ...]] = (
    "not a date",
    123,
    None,
    "",
    *words(
        "2020-01-01 2020-01-01T00:00:00+02:00 2020-01-01T00:00:00.1234567Z 1999-12-31T23:59:59Z"
    ),
)
BODIES: Final[tuple[bytes, ...]] = (
    b"[]",
    b"[1]",
    b'"text"',
    b"1",
    b"null",
    b"true",
    b"{",
    b"{}",
    b'{"name": "x",}',
    b"",
    b"\xff\xfe",
    b'{"name": "dup", "name": "dup2", "variants": {"control": {"rollout_percentage": 100}}}',
)
CONTENT_TYPES: Final[tuple[str | None, ...]] = (
    None,
    "application/json; charset=utf-8",
    "application/json; charset=latin-1",
    *words(
        "APPLICATION/JSON text/json application/vnd.api+json text/plain"
        " application/x-www-form-urlencoded multipart/form-data application/xml */*"
    ),
)
HEADER_SETS: Final[tuple[tuple[tuple[str, str], ...], ...]] = (
    (("Accept", "text/html"),),
    (("Accept", "application/xml"),),
    (("Accept", "*/*;q=0"),),
    (("Accept", "application/json; version=2"),),
    (("Accept", "text/csv"),),
    (("X-Forwarded-Host", "proxy.example.com"),),
    (("X-Forwarded-Proto", "https"),),
    (("Origin", "https://app.example.com"),),
    (("Origin", "null"),),
    (("Access-Control-Request-Method", "POST"), ("Origin", "https://app.example.com")),
    (("Cookie", "sessionid=nothing"),),
    (("X-Requested-With", "XMLHttpRequest"),),
    (("Accept-Language", "de"),),
    (("If-None-Match", '"abc"'),),
    (("Range", "bytes=0-1"),),
)
AUTH_FORMS: Final[tuple[str, ...]] = (
    "bearer {key}",
    "Bearer  {key}",
    "Bearer {key} ",
    "Bearer",
    "Bearer ",
    "Basic {key}",
    "Token {key}",
    "{key}",
    "Bearer {key}x",
    "Bearer {key}, Bearer {key}",
)
QUERIES: Final[tuple[str, ...]] = words(
    "limit=-1 limit=0 limit=abc limit=1.5 limit=99999999999999999999 offset=-5 offset=abc"
    " limit=1&offset=1 limit=1&limit=2 offset=1&offset=0 limit=%201 limit=1&z=1&a=2 search=x"
    " limit= limit=1&offset=99999 format=json format=api ordering=name"
)
METHODS: Final = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE")


class _Builder:
    """Builds requests in the reference's terms, keeping a live experiment to aim at."""

    def __init__(self, reference: ParityTarget, lockstep: Lockstep) -> None:
        self.reference = reference
        self.lockstep = lockstep

    def collection(self, project: str = "main", *, slash: bool = True) -> str:
        path = f"/api/projects/{self.reference.all_projects()[project]}/web_experiments"
        return path + ("/" if slash else "")

    def live_id(self) -> int:
        live = [i for i in self.lockstep.ids.reference_ids() if i not in self.lockstep.deleted]
        if live:
            return live[-1]
        outcome = self.lockstep.exchange(self.json("POST", self.collection(), VALID, "pool"))
        if outcome.reference is None or outcome.reference.status_code != 201:
            return self.lockstep.ids.reference_ids()[-1]
        return int(outcome.reference.json()["id"])

    def item(self, project: str = "main", *, slash: bool = True) -> str:
        return f"{self.collection(project)}{self.live_id()}" + ("/" if slash else "")

    def json(self, method: str, target: str, body: Any, origin: str, **options: Any) -> RawRequest:
        headers = (("Content-Type", "application/json"), *options.pop("headers", ()))
        return self.raw(method, target, json.dumps(body).encode(), origin, headers, **options)

    def raw(
        self,
        method: str,
        target: str,
        body: bytes,
        origin: str,
        headers: tuple[tuple[str, str], ...] = (),
        *,
        key: str | None = "all",
    ) -> RawRequest:
        value = None if key is None else self.reference.all_keys()[key]
        return signed(
            method, target, value, body=body, headers=headers, origin=f"mutation:{origin}"
        )


def mutations(reference: ParityTarget, lockstep: Lockstep, *, seed: int) -> Iterator[RawRequest]:
    """Every mutation, in the reference's terms (item paths are built when each is sent)."""
    del seed  # The list is exhaustive and fixed; the parameter keeps the call sites uniform.
    b = _Builder(reference, lockstep)
    json_type = (("Content-Type", "application/json"),)
    for name in NAMES:
        doc = {"name": name, "variants": {"control": CONTROL}}
        yield b.json("POST", b.collection(), doc, "name type")
        yield b.json("PATCH", b.item(), doc, "name type")
    for variants in VARIANTS:
        yield b.json("POST", b.collection(), {"name": "Variants", "variants": variants}, "variants")
        yield b.json("PUT", b.item(), {"name": "Variants", "variants": variants}, "variants")
        yield b.json("GET", b.item(), None, "variants read back")
    for created_at in CREATED_AT:
        doc = {"created_at": created_at, "variants": {"control": CONTROL}}
        yield b.json("PATCH", b.item(), doc, "created_at")
        yield b.json("GET", b.collection(), None, "list after created_at")
    for body in BODIES:
        yield b.raw("POST", b.collection(), body, "body", json_type)
        yield b.raw("PATCH", b.item(), body, "body", json_type)
    for content_type in CONTENT_TYPES:
        headers = () if content_type is None else (("Content-Type", content_type),)
        yield b.raw("POST", b.collection(), json.dumps(VALID).encode(), "content type", headers)
        yield b.raw("PATCH", b.item(), b"name=Form&variants=x", "content type", headers)
    for odd_headers in HEADER_SETS:
        yield b.raw("GET", b.collection(), b"", "headers", odd_headers)
        yield b.raw("GET", b.item(), b"", "headers", odd_headers)
        yield b.raw("OPTIONS", b.collection(), b"", "headers", odd_headers)
        yield b.json("POST", b.collection(), VALID, "headers", headers=odd_headers)
    for form in AUTH_FORMS:
        auth = (("Authorization", form.format(key=reference.keys["all"])),)
        yield b.raw("GET", b.collection(), b"", "authorization", auth, key=None)
        yield b.json("PATCH", b.item(), VALID, "authorization", headers=auth, key=None)
    key_query = f"?personal_api_key={reference.keys['all']}"
    yield b.raw("GET", b.collection() + key_query, b"", "key in query", key=None)
    key_body = {**VALID, "personal_api_key": reference.keys["all"]}
    yield b.json("POST", b.collection(), key_body, "key in body", key=None)
    for key in sorted(reference.all_keys()):
        yield b.raw("GET", b.collection(), b"", f"key {key}", key=key)
        yield b.raw("GET", b.item(), b"", f"key {key}", key=key)
        yield b.json("POST", b.collection(), VALID, f"key {key}", key=key)
        yield b.json("PATCH", b.item(), VALID, f"key {key}", key=key)
        yield b.raw("DELETE", b.item(), b"", f"key {key}", key=key)
    for project in sorted(reference.all_projects()):
        yield b.raw("GET", b.collection(project), b"", f"project {project}")
        yield b.json("POST", b.collection(project), VALID, f"project {project}")
        yield b.raw("GET", b.item(project), b"", f"project {project}")
        yield b.json("PATCH", b.item(project), VALID, f"project {project}")
        yield b.raw("DELETE", b.item(project), b"", f"project {project}")
    for method in METHODS:
        for slash in (True, False):
            yield b.json(method, b.collection(slash=slash), VALID, f"method {method}")
            yield b.json(method, b.item(slash=slash), VALID, f"method {method}")
    for query in QUERIES:
        yield b.raw("GET", f"{b.collection()}?{query}", b"", "query")
    for odd in ("abc", "0", "-1", "+1", "1.0", "%20", "0x1", "99999999999999999999"):
        yield b.raw("GET", f"{b.collection()}{odd}/", b"", "odd id")
        yield b.raw("GET", f"/api/projects/{odd}/web_experiments/", b"", "odd project")
