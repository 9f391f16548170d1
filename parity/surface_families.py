"""Surface probe families: the kinds of request where the mock once answered unlike PostHog.

Each family is a table of cases written as corpus templates (`{key.all}`, `{project.main}`,
`{create.id}`, `{server.netloc}`), so the surface generator (`python -m parity surface`) and the
recorded corpus (`parity.corpus.FAMILY_SAMPLES`) send the same requests: repeated request headers
(as a client or proxy joins them, `a, b`), paths Django and DRF route before or around the API
(slashes, format suffixes, `?format=`), NUL and other odd bytes in path segments, credentials
of the wrong JSON type, `created_at` values out of Python's or Django's range, CORS on unusual
`Origin` values, and variants that mix objects and arrays (below the depth that breaks reads:
those live in `read_breaking`, sent only to a server of one's own).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from live_road.facts import created_id
from parity.model import Context, words

if TYPE_CHECKING:
    from parity.surface import Probes

P: Final = "/api/projects/{project.main}/web_experiments/"
D: Final = P + "{create.id}/"
JSON: Final = "application/json"
KEY: Final = "{key.all}"
UNKNOWN: Final = "phx_surface_unknown_key_000000000000000000000"
# Numbers as JSON may write them: sent in every numeric place of the variants.
NUMBER_FORMS: Final = words(
    "0 -0 -0.0 0.0 1.0 1.50 1e2 1E2 1e+2 1e-7 1.5e-7 123456789.123456789 0.1 1e15 1e16 1.5e16"
    " 9.2e18 -9.2e18 9007199254740993 9223372036854775807 -9223372036854775808"
    " 1.7976931348623157e-308 5e-324 2.5 100.0"
)


@dataclass(frozen=True)
class Case:
    """One request of a family, in template form.

    `key` is the role signing it (None: no Authorization header of its own); `headers` may
    repeat a name (a client joins the values with `, `, as `requests` does); `body` is sent as
    written with `content_type`; `needs_create` makes an experiment first (`{create.id}`).
    """

    method: str
    path: str
    key: str | None = "all"
    headers: tuple[tuple[str, str], ...] = ()
    body: str | None = None
    content_type: str | None = None
    rule: str = ""
    needs_create: bool = False
    read_back: bool = False

    def joined_headers(self) -> dict[str, str]:
        """Return the headers as one value per name, repeated values joined with `, `."""
        joined: dict[str, str] = {}
        for name, value in self.headers:
            joined[name] = f"{joined[name]}, {value}" if name in joined else value
        return joined


def _json(
    method: str,
    path: str,
    body: str,
    rule: str,
    key: str | None = "all",
    *,
    needs_create: bool = False,
    read_back: bool = False,
) -> Case:
    """Build a case whose body is JSON text, sent as written."""
    return Case(method, path, key, (), body, JSON, rule, needs_create, read_back)


def _valid(name: str) -> str:
    return json.dumps({"name": name, "variants": {"control": {"rollout_percentage": 100}}})


# -- repeated request headers -----------------------------------------------------------------

REPEATED_HEADERS: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("Authorization", (f"Bearer {KEY}", f"Bearer {KEY}")),
    ("Authorization", (f"Bearer {KEY}", f"Bearer {UNKNOWN}")),
    ("Authorization", (f"Bearer {UNKNOWN}", f"Bearer {KEY}")),
    ("Authorization", ("Basic dXNlcjpwYXNz", f"Bearer {KEY}")),
    ("Authorization", (f"Bearer {KEY}", "Basic dXNlcjpwYXNz")),
    ("Authorization", ("Bearer", f"Bearer {KEY}")),
    ("Authorization", (f"Bearer {KEY}", "")),
    ("Authorization", (f"bearer {KEY}", f"Bearer {KEY}")),
    ("Accept", ("text/html", JSON)),
    ("Accept", ("text/html", "text/plain")),
    ("Accept", (JSON, JSON)),
    ("Accept", ("application/json; q=0", "text/html")),
    ("Accept", ("", JSON)),
    ("Accept", ("application/xml", "*/*")),
    ("Origin", ("https://a.example.com", "https://b.example.com")),
    ("Origin", ("null", "null")),
    ("X-Forwarded-Proto", ("https", "http")),
    ("X-Forwarded-Proto", ("http", "https")),
    ("X-Forwarded-Host", ("a.example.com", "b.example.com")),
    ("X-Forwarded-For", ("203.0.113.1", "203.0.113.2")),
    ("Cookie", ("a=1", "b=2")),
    ("X-Requested-With", ("XMLHttpRequest", "XMLHttpRequest")),
    # Corpus only: the lockstep sends each server its own Host.
    ("Host", ("{server.netloc}", "{server.netloc}")),
    ("Host", ("{server.netloc}", "example.com")),
)
REPEATED_BODY_HEADERS: Final[tuple[tuple[str, ...], ...]] = (
    (JSON, JSON),
    (JSON, "text/plain"),
    ("text/plain", JSON),
    ("application/x-www-form-urlencoded", JSON),
    (JSON, "application/json; charset=utf-8"),
    ("application/json; charset=utf-16", JSON),
)


def repeated_header_cases() -> list[Case]:
    """Each header twice, on the list, the detail, a create and a preflight."""
    cases: list[Case] = []
    for name, values in REPEATED_HEADERS:
        headers = tuple((name, value) for value in values)
        key = None if name == "Authorization" else "all"
        rule = f"{name} twice: " + " / ".join(values)
        cases += [
            Case("GET", P + "?limit=1", key, headers, rule=rule, needs_create=True),
            Case("GET", D, key, headers, rule=rule, needs_create=True),
            Case("POST", P, key, headers, _valid(f"Repeated {name}"), JSON, rule, read_back=True),
            Case("OPTIONS", P, key, headers, rule=rule),
        ]
    for values in REPEATED_BODY_HEADERS:
        headers = tuple(("Content-Type", value) for value in values)
        rule = "Content-Type twice: " + " / ".join(values)
        cases += [
            Case("POST", P, "all", headers, _valid("Repeated type"), rule=rule),
            Case("PATCH", D, "all", headers, '{"name": "Patched"}', rule=rule, needs_create=True),
        ]
    preflight = (("Origin", "https://app.example.com"),)
    for values in (("GET", "POST"), ("GET", "GET"), ("", "GET")):
        headers = (*preflight, *(("Access-Control-Request-Method", v) for v in values))
        cases.append(Case("OPTIONS", P, None, headers, rule="preflight method twice"))
    return cases


# -- paths around the API: slashes, suffixes, format ------------------------------------------

# The list route without its slash: most forms below are a tail written after it.
W: Final = "/api/projects/{project.main}/web_experiments"
ROUTE_PATHS: Final = (
    *(W + tail for tail in ("//", "///")),
    "/api/projects/{project.main}//web_experiments/",
    "/api//projects/{project.main}/web_experiments/",
    "/api/projects//{project.main}/web_experiments/",
    *(
        W + tail
        for tail in words(
            "/{create.id}// //{create.id}/ /{create.id}/.json /.json .json/ .json//"
            " /{create.id}.json /{create.id}.json// .JSON .Json/ .json.json .api/ .csv .js0n/"
            " /{create.id}.api/ /{create.id}.csv /{create.id}. . ./ /%2E/ /%2E%2E/ %2F"
            " /{create.id}%2F %2F{create.id}%2F /{create.id}.json/results/ /{create.id}/.json/"
            " .json/{create.id}/ /{create.id}.1/ /{create.id};x=1/ ;x=1/"
        )
    ),
    "/api/projects/{project.main}.json/web_experiments/",
    "/api/projects/{project.main}/Web_Experiments/",
    "/api/projects/{project.main}/WEB_EXPERIMENTS/",
    "/api/environments/{project.main}/web_experiments/",
    "/api/project/{project.main}/web_experiments/",
    *(
        W + tail
        for tail in words(
            "/%20{create.id}/ /{create.id}%20/ /{create.id}%09/ /+{create.id}/ /0{create.id}/"
        )
    ),
)
FORMAT_QUERIES: Final = words(
    "?format=json&format= ?format=&format=json ?format ?FORMAT=api ?Format=csv ?format=json%00"
    " ?format=%6Ason ?format=json+ ?format=%20json ?format=api&limit=1 ?format=json;"
    " ?format[]=api ?format=json&format=json ?format=yaml ?format=html ?format=openapi"
    " ?format=csv&format=json"
)


def route_cases() -> list[Case]:
    """Slashes, suffixes and `?format=` on the list and the detail; GET, writes, OPTIONS."""
    cases: list[Case] = []
    for path in ROUTE_PATHS:
        rule = f"route form {path}"
        create = "{create.id}" in path
        cases += [
            Case("GET", path, rule=rule, needs_create=create),
            Case("GET", path, None, rule=rule + " without a key", needs_create=create),
            _json("PATCH", path, '{"name": "Route form patch"}', rule, needs_create=True)
            if create
            else _json("POST", path, _valid("Route form"), rule),
            Case("OPTIONS", path, "read", rule=rule, needs_create=create),
        ]
    for query in FORMAT_QUERIES:
        rule = f"format query {query}"
        cases += [
            Case("GET", P + query, rule=rule, needs_create=True),
            Case("GET", D + query, None, rule=rule, needs_create=True),
            _json("POST", P + query, _valid("Format query"), rule),
            Case("DELETE", D + query, "read", rule=rule, needs_create=True),
            Case("GET", P[:-1] + ".json" + query, rule=rule),
        ]
    return cases


# -- NUL and other odd bytes in path segments -------------------------------------------------

ODD_SEGMENTS: Final = words(
    "%00 %00%00 %001 1%00 %01 %7F %FF %C3%28 %C0%AE %E2%80%8B %EF%BB%BF1 %0D %0A %0D%0A %09 %20"
    " %25 %2525 %5C %3F %23 %3B %2C %u0000 % %G0 %0 \u00e9 %F0%9F%98%80 %ED%A0%80"
)


def odd_segment_cases() -> list[Case]:
    """Odd bytes as the experiment id, after it, inside the route word and as the project."""
    cases: list[Case] = []
    for segment in ODD_SEGMENTS:
        rule = f"odd bytes {segment!r} in a path segment"
        forms = (
            P + segment + "/",
            D.replace("{create.id}/", "{create.id}" + segment + "/"),
            "/api/projects/{project.main}/web_experiments" + segment + "/",
            "/api/projects/{project.main}/" + segment + "web_experiments/",
            "/api/projects/" + segment + "/web_experiments/",
            "/api/projects/{project.main}" + segment + "/web_experiments/",
            P + segment,
        )
        for index, path in enumerate(forms):
            create = "{create.id}" in path
            cases.append(Case("GET", path, rule=rule, needs_create=create))
            if index in (0, 1):
                cases.append(Case("DELETE", path, rule=rule, needs_create=create))
                cases.append(Case("GET", path, None, rule=rule + " without a key"))
            if index in (2, 5):
                cases.append(_json("POST", path, _valid("Odd bytes"), rule))
    return cases


# -- credentials of the wrong JSON type -------------------------------------------------------

CREDENTIAL_VALUES: Final = (
    *words("123 0 1.5 -1 true false null []"),
    f'["{KEY}"]',
    "{}",
    f'{{"key": "{KEY}"}}',
    '""',
    '" "',
    f'" {KEY} "',
    f'"{KEY}\\u0000"',
    f'"Bearer {KEY}"',
    *words('"\\ud800" 1e400'),
)
CREDENTIAL_FIELDS: Final = ("personal_api_key", "api_key", "token", "project_api_key", "key")
TOP_LEVEL_BODIES: Final = (
    *words('["personal_api_key"] "personal_api_key" "xpersonal_api_keyx"'),
    '"a string"',
    *words('5 0 1.5 true false null [] ""'),
    '[{"personal_api_key": "' + KEY + '"}]',
    '["' + KEY + '"]',
)
CREDENTIAL_QUERIES: Final = words(
    f"?personal_api_key= ?personal_api_key ?personal_api_key={KEY}&personal_api_key=bad"
    f" ?personal_api_key=bad&personal_api_key={KEY} ?personal_api_key[]={KEY}"
    f" ?personal_api_key=%20{KEY} ?personal_api_key={KEY}%00 ?personal_api_key=%00"
    f" ?personal_api_key=null ?PERSONAL_API_KEY={KEY} ?api_key={KEY} ?token={KEY}"
)


def credential_cases() -> list[Case]:
    """Keys of every JSON type in the body, bodies that are no object, keys in the query."""
    cases: list[Case] = []
    for value in CREDENTIAL_VALUES:
        every_field = value in ("123", "null", f'["{KEY}"]')
        for name in CREDENTIAL_FIELDS if every_field else CREDENTIAL_FIELDS[:1]:
            body = (
                f'{{"{name}": {value}, "name": "Credential", '
                '"variants": {"control": {"rollout_percentage": 100}}}'
            )
            rule = f"{name} = {value} in the body"
            cases += [
                _json("POST", P, body, rule, None, read_back=True),
                _json("GET", P, f'{{"{name}": {value}}}', rule, None),
                _json("PATCH", D, f'{{"{name}": {value}}}', rule, None, needs_create=True),
            ]
        body = f'{{"personal_api_key": {value}}}'
        cases += [
            _json("POST", P, body, "with a key header too"),
            _json("DELETE", D, body, "delete", None, needs_create=True),
        ]
    for body in TOP_LEVEL_BODIES:
        rule = f"a body {body} without a key header"
        cases += [
            _json("POST", P, body, rule, None),
            _json("GET", P, body, rule, None),
            _json("PUT", D, body, rule, None, needs_create=True),
            _json("POST", P, body, rule + " (key)"),
        ]
    form = "application/x-www-form-urlencoded"
    for body in (
        "personal_api_key=",
        "personal_api_key",
        f"personal_api_key={KEY}&personal_api_key=x",
        f"personal_api_key[]={KEY}",
    ):
        cases.append(Case("POST", P, None, body=body, content_type=form, rule=f"form {body}"))
    for query in CREDENTIAL_QUERIES:
        rule = f"query {query}"
        cases.append(Case("GET", P + query, None, rule=rule))
        cases.append(_json("POST", P + query, '{"personal_api_key": 5}', rule, None))
    return cases


# -- created_at out of range ------------------------------------------------------------------

DATETIMES: Final = (
    *words(
        '"0001-01-01T00:00:00Z" "0001-01-01T00:00:00+00:01" "0001-01-01T00:59:59+01:00"'
        ' "0001-01-01T00:00:00-23:59" "0001-01-01" "0000-01-01T00:00:00Z"'
        ' "0000-12-31T23:59:59-01:00" "9999-12-31T23:59:59Z" "9999-12-31T23:59:59.999999Z"'
        ' "9999-12-31T23:59:59-00:01" "9999-12-31T23:00:00-01:00" "9999-12-31T23:59:59+23:59"'
        ' "10000-01-01T00:00:00Z" "99999-01-01T00:00:00Z" "-0001-01-01T00:00:00Z"'
        ' "+2020-01-01T00:00:00Z" "2020-01-01T00:00:00+24:00" "2020-01-01T00:00:00-24:00"'
        ' "2020-01-01T00:00:00+99:99" "2020-01-01T00:00:00+2359" "2020-01-01T00:00:00+23"'
        ' "2020-01-01T00:00:00+23:59:59" "2020-01-01T00:00:00+23:59:59.999999"'
    ),
    '"2020-01-01T00:00:00 +01:00"',
    *words(
        '"2020-01-01T24:00:00Z" "2020-01-01T23:59:60Z" "2020-02-30T00:00:00Z"'
        ' "2020-13-01T00:00:00Z" "2020-00-01T00:00:00Z" "2020-01-01T00:00:00.1234567Z"'
        ' "2020-01-01T00:00:00,5Z"'
    ),
    '"2020-01-01 00:00:00"',
    *words(
        '"2020-01-01T00:00" "2020-01-01T00" "20200101T000000Z" "2020-W01-1T00:00:00Z"'
        ' "2020-001T00:00:00Z" "1970-01-01T00:00:00Z" "1900-01-01T00:00:00Z"'
        ' "2262-04-11T23:47:16Z" "2038-01-19T03:14:08Z" "1969-12-31T23:59:59Z"'
        ' "2020-01-01T00:00:00z" "2020-01-01t00:00:00Z" 0 -62135596800 253402300800 1e20 1.5 true'
        ' [] {} ""'
    ),
    '" "',
    *words('"\\u0000" "2020-01-01T00:00:00Z\\u0000"'),
)


def datetime_cases() -> list[Case]:
    """`created_at` values at and beyond the ends of the range, on create, PATCH and PUT."""
    cases: list[Case] = []
    for value in DATETIMES:
        rule = f"created_at {value}"
        body = (
            f'{{"name": "Datetime", "created_at": {value}, '
            '"variants": {"control": {"rollout_percentage": 100}}}'
        )
        patch = f'{{"created_at": {value}}}'
        cases += [
            _json("POST", P, body, rule, read_back=True),
            _json("PATCH", D, patch, rule, needs_create=True, read_back=True),
        ]
    return cases


# -- CORS on unusual Origin values ------------------------------------------------------------

ORIGINS: Final = (
    *words("null NULL"),
    "",
    "*",
    "https://a.example.com, https://b.example.com",
    "https://a.example.com https://b.example.com",
    *words(
        "https://app.example.com/path/page?q=1 https://app.example.com/ http://{server.netloc}"
        " http://{server.netloc}/ http://{server.netloc}/some/path https://{server.netloc}"
        " http://127.0.0.1 http://localhost file:// file:///etc/passwd"
        " chrome-extension://abcdefghijklmnop moz-extension://1234 app://local"
        " javascript:alert(1) data:, about:blank ftp://example.com HTTPS://APP.EXAMPLE.COM"
        " https://app.example.com:99999 https://app.example.com:abc https://[::1] https://[::1"
        " http://[ https://] https://user:pass@app.example.com https://b\u00fccher.example"
        " https://xn--bcher-kva.example //app.example.com app.example.com https://"
        " https://app.example.com#frag"
    ),
    "https://" + "a" * 4000 + ".example.com",
    "https://app.example.com\t",
    "%68ttps://app.example.com",
)


def cors_cases() -> list[Case]:
    """Each Origin on a read, a preflight, a plain OPTIONS and a write, with and without a key."""
    cases: list[Case] = []
    for origin in ORIGINS:
        headers = (("Origin", origin),)
        preflight = (*headers, ("Access-Control-Request-Method", "POST"))
        rule = f"Origin {origin[:60]!r}"
        cases += [
            Case("GET", P, "all", headers, rule=rule),
            Case("GET", P, None, headers, rule=rule + " without a key"),
            Case("OPTIONS", P, None, preflight, rule=rule + " preflight"),
            Case("OPTIONS", D, "read", headers, rule=rule, needs_create=True),
            Case("POST", P, "all", headers, _valid("Cors"), JSON, rule=rule, read_back=True),
            Case("GET", P + "?temporary_token=x", "all", headers, rule=rule + " token"),
        ]
    for origins in (("https://a.example.com", "null"), ("null", "https://a.example.com")):
        twice = tuple(("Origin", origin) for origin in origins)
        asked = (*twice, ("Access-Control-Request-Method", "GET"))
        cases += [
            Case("GET", P, "all", twice, rule="Origin twice"),
            Case("OPTIONS", P, None, asked, rule="Origin twice preflight"),
        ]
    return cases


# -- variants mixing objects and arrays (readable depths) -------------------------------------


def mixed_nesting(pattern: str, depth: int) -> str:
    """JSON text nesting `depth` containers: `o` an object, `a` an array, cycled by `pattern`."""
    opening, closing = "", ""
    for level in range(depth):
        kind = pattern[level % len(pattern)]
        opening += '{"a": ' if kind == "o" else "["
        closing = ("}" if kind == "o" else "]") + closing
    return opening + "1" + closing


MIXED_PATTERNS: Final = ("oa", "ao", "ooa", "aao", "oaa", "aoo", "oooa", "a", "o")
MIXED_DEPTHS: Final = (10, 31, 32, 33, 48, 49, 64, 100)


def nesting_cases() -> list[Case]:
    """Objects and arrays mixed under a variant, to depths every read still renders."""
    cases: list[Case] = []
    for pattern in MIXED_PATTERNS:
        for depth in MIXED_DEPTHS:
            body = (
                '{"name": "Mixed", "variants": {"control": {"rollout_percentage": 100, '
                f'"x": {mixed_nesting(pattern, depth)}}}}}}}'
            )
            cases.append(_json("POST", P, body, f"{pattern} x {depth}", read_back=True))
    return cases


FAMILIES: Final[dict[str, Callable[[], list[Case]]]] = {
    "repeated_headers": repeated_header_cases,
    "routes": route_cases,
    "odd_segments": odd_segment_cases,
    "credentials": credential_cases,
    "datetimes": datetime_cases,
    "cors": cors_cases,
    "mixed_nesting": nesting_cases,
}


def render_headers(case: Case, context: Context) -> tuple[tuple[str, str], ...]:
    """Render a case's headers for one server, repeated names kept (the lockstep joins them)."""
    return tuple((name, context.render(value)) for name, value in case.headers)


def run_family(probes: Probes, cases: Sequence[Case]) -> None:
    """Send every case in lockstep; each one that needs an experiment gets a fresh one."""
    ref = probes.ref
    netloc = urlsplit(ref.base_url).netloc
    for case in cases:
        if any("{server." in text for text in (case.path, *(v for _, v in case.headers))):
            continue  # the other server has another address: recorded in the corpus only
        results: dict[str, Any] = {}
        needs_create = case.needs_create or "{create." in case.path + (case.body or "")
        experiment_id = probes.create() if needs_create else None
        if experiment_id is not None:
            results["create"] = {"id": experiment_id}
        elif needs_create:
            results["create"] = {"id": 2147483646}
        context = Context(
            {"main": probes.project()}, ref.all_keys(), server={"netloc": netloc}, results=results
        )
        path = _steerable(probes, case, context, results)
        body = b"" if case.body is None else context.render(case.body).encode()
        outcome = probes.send(
            case.method,
            path,
            case.key,
            body=body,
            content_type=case.content_type,
            headers=render_headers(case, context),
        )
        if case.read_back:
            created = None
            if outcome.reference is not None and outcome.reference.status_code == 201:
                created = created_id(outcome.reference)
            probes.read_back(experiment_id if created is None else created)
        probes.cleanup()


def _steerable(probes: Probes, case: Case, context: Context, results: dict[str, Any]) -> str:
    """Render the path so the other server gets its own counterpart of it.

    A project segment with odd bytes around it is registered as a form of the main project; an
    experiment id where the lockstep cannot pair it (`web_experiments%2F12`) becomes an id
    neither server holds, so both answer for a missing experiment.
    """
    from parity.lockstep import UNREACHABLE_ID, RawRequest  # noqa: PLC0415

    path = context.render(case.path)
    other = probes.other.all_projects()["main"]
    prefix = "/api/projects/"
    if case.path.startswith(prefix + "{project.main}"):
        segment = case.path[len(prefix) :].split("/", 1)[0]
        ref_segment = context.render(segment)
        other_segment = segment.replace("{project.main}", other)
        if ref_segment != context.projects["main"]:
            probes.lockstep.project_forms[ref_segment] = other_segment
    created = results.get("create", {}).get("id")
    if isinstance(created, int):
        translated = probes.lockstep.translate(RawRequest(case.method, path))
        paired = probes.lockstep.ids.other_for(created)
        if str(created) in translated.path and paired not in (None, created):
            results["create"] = {"id": UNREACHABLE_ID}
            path = context.render(case.path)
    return path


def families(probes: Probes, names: Sequence[str] | None = None) -> list[Callable[[], None]]:
    """Return the families' runners for `Probes.run`, in a fixed order (`names` picks some)."""
    chosen = [name for name in FAMILIES if names is None or name in names]
    return [lambda name=name: run_family(probes, FAMILIES[name]()) for name in chosen]  # type: ignore[misc]


# -- the recorded corpus: a rotating sample of each family ------------------------------------


def sample(cases: Sequence[Case], per_input: int = 2) -> list[Case]:
    """Keep `per_input` cases of each input (rule), rotating through its methods and forms."""
    groups: dict[str, list[Case]] = {}
    for case in cases:
        groups.setdefault(case.rule.removesuffix(" without a key"), []).append(case)
    kept: list[Case] = []
    for index, group in enumerate(groups.values()):
        picks = sorted({(index + offset) % len(group) for offset in range(per_input)})
        kept += [group[pick] for pick in picks]
    return kept


def scenarios(
    area: str, family: str, *, per_input: int = 2, chunk: int = 12, every: int = 1
) -> tuple[Any, ...]:
    """Return the corpus scenarios of a family: its sample (every `every`th) in chunks."""
    from parity.corpus._helpers import create  # noqa: PLC0415 (the corpus imports this module)
    from parity.model import Scenario, Step  # noqa: PLC0415

    # A create through another route form or project form is not tracked by the recording's
    # cleanup (it deletes what it can address): those stay with the generator, which pairs and
    # deletes whatever any POST made.
    cases = [
        case
        for case in sample(FAMILIES[family](), per_input)[::every]
        if case.method != "POST" or case.path.split("?", 1)[0] == P
    ]
    built = []
    for start in range(0, len(cases), chunk):
        part = cases[start : start + chunk]
        steps: list[Step] = []
        needs_create = any("{create." in c.path + (c.body or "") for c in part)
        if needs_create:
            steps.append(create(f"{area} {start // chunk}"))
        for case in part:
            steps.append(
                Step(
                    case.method,
                    case.path,
                    key=case.key,
                    data=case.body,
                    content_type=case.content_type,
                    headers=case.joined_headers(),
                    rule=case.rule,
                )
            )
            if case.read_back:
                steps.append(Step("GET", P + "?limit=1", rule="what the write stored, if anything"))
        if needs_create:
            steps.append(Step("DELETE", D, rule="cleanup: the scenario's experiment"))
        built.append(
            Scenario(
                f"{area}_{start // chunk}",
                area,
                f"{family.replace('_', ' ')} (parity/surface_families.py), part {start // chunk}",
                tuple(steps),
                empty_project=True,
            )
        )
    return tuple(built)
