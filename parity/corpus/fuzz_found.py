"""Rules differential fuzzing found that the other areas did not cover."""

from __future__ import annotations

from parity.corpus._helpers import P, create, get
from parity.model import Scenario, Step

AREA = "fuzz_found"
FOREIGN = "/api/projects/{project.foreign}/web_experiments/"

SCENARIOS = (
    Scenario(
        "format_suffix_before_authentication",
        AREA,
        "a `.<format>` suffix other than json is 'Not found.' before the key or project is checked",
        (
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
        ),
        needs=("foreign",),
    ),
)
