"""Surface: number forms and body encodings, every write read back through retrieve and list.

Numbers are sent as written (a raw JSON body), inside a variant, as a percentage and inside a
transform; PostHog stores variants in Postgres `jsonb` and reads them back through Python's
`json`, so the create's answer renders the request and the reads render what `jsonb` kept.
Only values PostHog can read back are here (hazards.py lists the ones it cannot).
"""

from __future__ import annotations

from parity.corpus._helpers import Area, P
from parity.model import Scenario, Step
from parity.surface_families import NUMBER_FORMS

AREA = "surface_values"
scenario = Area(AREA)
D = "/api/projects/{project.main}/web_experiments/{create.id}/"
# The generator's number forms (recorded but for 0, 1.0, 1e2, 0.1, 2.5 and 100.0).
NUMBERS = tuple(n for n in NUMBER_FORMS if n not in ("0", "1.0", "1e2", "0.1", "2.5", "100.0"))
PERCENTAGES = ("100.0", "1e2", "100.00000000000001", "99.99999999999999")
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


def _round_trip(name: str, rule: str, body: str, content_type: str | None = JSON) -> Scenario:
    return scenario(
        name,
        rule,
        Step("POST", P, data=body, content_type=content_type, name="create", rule="create"),
        Step("GET", D, rule="retrieve"),
        Step("GET", P, rule="list"),
        Step("DELETE", D, rule="delete"),
    )


def _create_and_list(name: str, rule: str, body: str, content_type: str | None) -> Scenario:
    """Build a create that may be refused, then the list: what it stored, if anything."""
    return scenario(
        name,
        rule,
        Step("POST", P, data=body, content_type=content_type, rule="create"),
        Step("GET", P, rule="list: what the create stored, if anything"),
    )


def _number(index: int, number: str) -> Scenario:
    body = (
        f'{{"name": "Number {index}", "variants": {{"control": {{"rollout_percentage": 100, '
        f'"x": {number}, "transforms": [{{"selector": "#a", "n": [{number}, {{"z": {number}}}]}}]'
        "}}}"
    )
    return _round_trip(f"surface_number_{index}", f"the number {number} in a variant", body)


BOUNDARY = "surfaceboundary"
VARIANTS = '{"control": {"rollout_percentage": 100}}'
MULTIPART = (
    f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="name"\r\n\r\nMultipart surface\r\n'
    f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="variants"\r\n\r\n{VARIANTS}\r\n'
    f"--{BOUNDARY}--\r\n"
)
ENCODINGS = (
    ("json_charset", '{"name": "Charset utf-8"}', "application/json; charset=utf-8"),
    ("json_upper", '{"name": "Upper type"}', "APPLICATION/JSON"),
    ("json_latin1_charset", '{"name": "Latin charset"}', "application/json;charset=latin-1"),
    ("vnd_api_json", '{"name": "Vnd api"}', "application/vnd.api+json"),
    ("merge_patch_json", '{"name": "Merge patch"}', "application/merge-patch+json"),
    ("text_plain", '{"name": "Text plain"}', "text/plain"),
    ("no_content_type", '{"name": "No type"}', None),
    ("json_padded", ' \n\t{"name": "Padded"}\n ', JSON),
    ("form_variants", "name=Form+surface&variants=" + VARIANTS.replace(" ", "+"), FORM),
    ("form_repeated", "name=Repeated&name=second", "application/x-www-form-urlencoded"),
    ("multipart", MULTIPART, f"multipart/form-data; boundary={BOUNDARY}"),
)

SCENARIOS = (
    *(_number(index, number) for index, number in enumerate(NUMBERS)),
    *(
        _create_and_list(
            f"surface_percentage_{index}",
            f"the percentage written {number}",
            f'{{"name": "Percentage {index}", "variants": {{"control": '
            f'{{"rollout_percentage": {number}}}}}}}',
            JSON,
        )
        for index, number in enumerate(PERCENTAGES)
    ),
    *(
        _create_and_list(
            f"surface_body_{name}", f"a create body as {content_type}", body, content_type
        )
        for name, body, content_type in ENCODINGS
    ),
)
