"""Rules differential fuzzing found that the other areas did not cover."""

from __future__ import annotations

from parity.corpus._helpers import Area, P, create, get
from parity.model import Step

AREA = "fuzz_found"
scenario = Area(AREA)
FOREIGN = "/api/projects/{project.foreign}/web_experiments/"

SCENARIOS = (
    scenario(
        "format_suffix_before_authentication",
        "a `.<format>` suffix other than json is 'Not found.' before the key or project is checked",
        create(),
        get(P + "{create.id}.json/", rule="json suffix: the experiment"),
        get(P[:-1] + ".json", rule="json suffix on the list"),
        get(P + "{create.id}.csv/", rule="csv: not found"),
        get(P + "1.5/", rule="1.5 is id 1 in format 5"),
        Step("GET", P + "1.5/", key=None, rule="not found before authentication"),
        Step("DELETE", FOREIGN + "1.5/", rule="not found before project access"),
        Step("GET", FOREIGN + "1.json/", rule="json suffix: project access is checked"),
        get(P[:-1] + ".xyz/", rule="unknown format on the list"),
        get(P + "1.JSON/", rule="an upper-case format matches no route"),
        get(P + "1.5.json/", rule="two dots match no route"),
        needs=("foreign",),
    ),
    scenario(
        "format_query_parameter",
        "`?format=` other than json is 'Not found.' before authentication; the suffix wins",
        create(),
        get(P + "?format=json", rule="json: the list"),
        get(P + "?format=xyz", rule="unknown format: not found"),
        Step("GET", P + "?format=api", key=None, rule="not found before authentication"),
        get(P + "?format=JSON", rule="formats are lower case"),
        get(P + "?format=", rule="an empty format asks for nothing"),
        get(P + "?format=api&format=json", rule="the last value counts"),
        get(P + "{create.id}/?format=csv", rule="on an experiment too"),
        get(P + "{create.id}.json/?format=xyz", rule="the suffix wins over the parameter"),
    ),
    scenario(
        "options_with_origin_gets_preflight_headers",
        "every OPTIONS with an Origin gets the CORS preflight headers, whatever it answers",
        Step("OPTIONS", P, key=None, headers={"Origin": "https://app.example.com"}),
        Step("OPTIONS", P, headers={"Origin": "null"}),
        Step("OPTIONS", P, key="read", headers={"Origin": "https://app.example.com"}),
        Step("GET", P, key=None, headers={"Origin": "https://app.example.com"}),
    ),
    scenario(
        "list_limit_beyond_bigint",
        "a limit beyond 64 bits: PostHog answers 500 once a page is fetched (Postgres)",
        get(P + "?limit=99999999999999999999", rule="empty project: no page is fetched"),
        create(),
        Step("GET", P + "?limit=99999999999999999999", rule="a page is fetched: PostHog 500"),
        get(P + "?limit=9223372036854775807", rule="the largest bigint is a limit"),
        get(P + "?limit=99999999999999999999&offset=5", rule="offset past the end: no page"),
        empty_project=True,
    ),
)
