"""Delete: 204 without content type, then 404 everywhere (reference §6)."""

from __future__ import annotations

from parity.corpus._helpers import Area, P, create, detail_path, get, std_body
from parity.model import Step

AREA = "delete"
scenario = Area(AREA)
D = detail_path()

SCENARIOS = (
    scenario(
        "delete_then_everything_404",
        "after delete every operation answers 404",
        create(),
        Step("DELETE", D),
        get(D),
        Step("PATCH", D, json=std_body()),
        Step("PUT", D, json=std_body()),
        Step("DELETE", D),
        Step("HEAD", D),
        get(P),
    ),
    scenario(
        "delete_keeps_other_experiments",
        "delete removes only its experiment",
        create("Keep", step="keep"),
        create("Drop"),
        Step("DELETE", D),
        get(P),
    ),
    scenario(
        "delete_non_numeric_id",
        "non-numeric ids are not found",
        Step("DELETE", P + "abc/"),
        Step("DELETE", P + "1.5/"),
    ),
    scenario(
        "delete_with_body",
        "a body on DELETE is ignored",
        create(),
        Step("DELETE", D, json={"name": None}),
    ),
)
