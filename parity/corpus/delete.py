"""Delete: 204 without content type, then 404 everywhere (reference §6)."""

from __future__ import annotations

from parity.corpus._helpers import P, create, detail_path, get, std_body
from parity.model import Scenario, Step

AREA = "delete"
D = detail_path()

SCENARIOS = (
    Scenario(
        "delete_then_everything_404",
        AREA,
        "after delete every operation answers 404",
        (
            create(),
            Step("DELETE", D),
            get(D),
            Step("PATCH", D, json=std_body()),
            Step("PUT", D, json=std_body()),
            Step("DELETE", D),
            Step("HEAD", D),
            get(P),
        ),
    ),
    Scenario(
        "delete_keeps_other_experiments",
        AREA,
        "delete removes only its experiment",
        (create("Keep", step="keep"), create("Drop"), Step("DELETE", D), get(P)),
    ),
    Scenario(
        "delete_non_numeric_id",
        AREA,
        "non-numeric ids are not found",
        (Step("DELETE", P + "abc/"), Step("DELETE", P + "1.5/")),
    ),
    Scenario(
        "delete_with_body",
        AREA,
        "a body on DELETE is ignored",
        (create(), Step("DELETE", D, json={"name": None})),
    ),
)
