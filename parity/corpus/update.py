"""PUT and PATCH: same rules as create, variants replaced, flag key fixed (reference §5)."""

from __future__ import annotations

from parity.corpus._helpers import P, control_only, create, detail_path, get, std_body
from parity.model import Scenario, Step

AREA = "update"
D = detail_path()
CONTROL = control_only()

SCENARIOS = (
    Scenario(
        "put_replaces",
        AREA,
        "PUT with name and variants: 200, flag key unchanged",
        (create("Before put"), Step("PUT", D, json=std_body("After put")), get(D)),
    ),
    Scenario(
        "put_requires_name",
        AREA,
        "PUT without name: required",
        (create(), Step("PUT", D, json={"variants": CONTROL})),
    ),
    Scenario(
        "put_requires_variants",
        AREA,
        "PUT without variants: required",
        (create(), Step("PUT", D, json={"name": "x"})),
    ),
    Scenario(
        "put_empty_body", AREA, "PUT {}: name reported first", (create(), Step("PUT", D, json={}))
    ),
    Scenario(
        "patch_requires_variants",
        AREA,
        "PATCH without variants: a rule error",
        (create(), Step("PATCH", D, json={"name": "Only a name"}), get(D)),
    ),
    Scenario("patch_empty_body", AREA, "PATCH {}", (create(), Step("PATCH", D, json={}))),
    Scenario(
        "patch_variants_only",
        AREA,
        "PATCH with variants only keeps the name",
        (create("Kept name"), Step("PATCH", D, json={"variants": CONTROL})),
    ),
    Scenario(
        "patch_name_and_variants",
        AREA,
        "PATCH renames; the flag key stays",
        (
            create("Old name"),
            Step("PATCH", D, json={"name": "New name", "variants": CONTROL}),
            get(D),
        ),
    ),
    Scenario(
        "patch_null_variants",
        AREA,
        "PATCH variants null",
        (create(), Step("PATCH", D, json={"variants": None})),
    ),
    Scenario(
        "patch_blank_name",
        AREA,
        "PATCH with a blank name",
        (create(), Step("PATCH", D, json={"name": " ", "variants": CONTROL})),
    ),
    Scenario(
        "patch_validation_rules",
        AREA,
        "PATCH runs the variant rules",
        (
            create(),
            Step("PATCH", D, json={"variants": {"test": {"rollout_percentage": 100}}}),
            Step("PATCH", D, json={"variants": {"control": {"rollout_percentage": 90}}}),
            Step("PATCH", D, json={"variants": []}),
        ),
    ),
    Scenario(
        "patch_created_at_applied",
        AREA,
        "created_at is applied on update (PostHog: a bug it means to fix)",
        (
            create(),
            Step("PATCH", D, json={"created_at": "2025-01-15T10:30:00Z", "variants": CONTROL}),
            Step(
                "PATCH",
                D,
                json={"created_at": "2024-06-01T12:00:00.123456+02:00", "variants": CONTROL},
            ),
            Step("PUT", D, json={**std_body("Dated"), "created_at": "2023-03-03 03:03"}),
            get(D),
        ),
    ),
    Scenario(
        "patch_created_at_invalid",
        AREA,
        "created_at must be a datetime",
        (
            create(),
            Step("PATCH", D, json={"created_at": "yesterday", "variants": CONTROL}),
            Step("PATCH", D, json={"created_at": None, "variants": CONTROL}),
            Step("PATCH", D, json={"created_at": 12, "variants": CONTROL}),
        ),
    ),
    Scenario(
        "patch_ignores_read_only_fields",
        AREA,
        "id and feature_flag_key are ignored",
        (
            create(),
            Step("PATCH", D, json={"id": 1, "feature_flag_key": "mine", "variants": CONTROL}),
        ),
    ),
    Scenario(
        "patch_reorders_list",
        AREA,
        "an edited created_at reorders the list",
        (
            create("First", step="first"),
            create("Second", step="second"),
            Step(
                "PATCH",
                detail_path("second"),
                json={"created_at": "2020-01-01T00:00:00Z", "variants": CONTROL},
            ),
            get(P),
        ),
        empty_project=True,
    ),
    Scenario(
        "update_deleted_experiment",
        AREA,
        "the 404 for a missing experiment comes before validation",
        (
            create(),
            Step("DELETE", D),
            Step("PATCH", D, json={"name": None}),
            Step("PUT", D, json={}),
        ),
    ),
    Scenario(
        "update_array_body",
        AREA,
        "a JSON array body on update",
        (create(), Step("PATCH", D, json=[1]), Step("PUT", D, json=[])),
    ),
)
