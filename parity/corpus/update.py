"""PUT and PATCH: same rules as create, variants replaced, flag key fixed (reference §5)."""

from __future__ import annotations

from parity.corpus._helpers import Area, P, control_only, create, detail_path, get, std_body
from parity.model import Step

AREA = "update"
scenario = Area(AREA)
D = detail_path()
CONTROL = control_only()

SCENARIOS = (
    scenario(
        "put_replaces",
        "PUT with name and variants: 200, flag key unchanged",
        create("Before put"),
        Step("PUT", D, json=std_body("After put")),
        get(D),
    ),
    scenario(
        "put_requires_name",
        "PUT without name: required",
        create(),
        Step("PUT", D, json={"variants": CONTROL}),
    ),
    scenario(
        "put_requires_variants",
        "PUT without variants: required",
        create(),
        Step("PUT", D, json={"name": "x"}),
    ),
    scenario("put_empty_body", "PUT {}: name reported first", create(), Step("PUT", D, json={})),
    scenario(
        "patch_requires_variants",
        "PATCH without variants: a rule error",
        create(),
        Step("PATCH", D, json={"name": "Only a name"}),
        get(D),
    ),
    scenario("patch_empty_body", "PATCH {}", create(), Step("PATCH", D, json={})),
    scenario(
        "patch_variants_only",
        "PATCH with variants only keeps the name",
        create("Kept name"),
        Step("PATCH", D, json={"variants": CONTROL}),
    ),
    scenario(
        "patch_name_and_variants",
        "PATCH renames; the flag key stays",
        create("Old name"),
        Step("PATCH", D, json={"name": "New name", "variants": CONTROL}),
        get(D),
    ),
    scenario(
        "patch_null_variants",
        "PATCH variants null",
        create(),
        Step("PATCH", D, json={"variants": None}),
    ),
    scenario(
        "patch_blank_name",
        "PATCH with a blank name",
        create(),
        Step("PATCH", D, json={"name": " ", "variants": CONTROL}),
    ),
    scenario(
        "patch_validation_rules",
        "PATCH runs the variant rules",
        create(),
        Step("PATCH", D, json={"variants": {"test": {"rollout_percentage": 100}}}),
        Step("PATCH", D, json={"variants": {"control": {"rollout_percentage": 90}}}),
        Step("PATCH", D, json={"variants": []}),
    ),
    scenario(
        "patch_created_at_applied",
        "created_at is applied on update (PostHog: a bug it means to fix)",
        create(),
        Step("PATCH", D, json={"created_at": "2025-01-15T10:30:00Z", "variants": CONTROL}),
        Step(
            "PATCH", D, json={"created_at": "2024-06-01T12:00:00.123456+02:00", "variants": CONTROL}
        ),
        Step("PUT", D, json={**std_body("Dated"), "created_at": "2023-03-03 03:03"}),
        get(D),
    ),
    scenario(
        "patch_created_at_invalid",
        "created_at must be a datetime",
        create(),
        Step("PATCH", D, json={"created_at": "yesterday", "variants": CONTROL}),
        Step("PATCH", D, json={"created_at": None, "variants": CONTROL}),
        Step("PATCH", D, json={"created_at": 12, "variants": CONTROL}),
    ),
    scenario(
        "patch_ignores_read_only_fields",
        "id and feature_flag_key are ignored",
        create(),
        Step("PATCH", D, json={"id": 1, "feature_flag_key": "mine", "variants": CONTROL}),
    ),
    scenario(
        "patch_reorders_list",
        "an edited created_at reorders the list",
        create("First", step="first"),
        create("Second", step="second"),
        Step(
            "PATCH",
            detail_path("second"),
            json={"created_at": "2020-01-01T00:00:00Z", "variants": CONTROL},
        ),
        get(P),
        empty_project=True,
    ),
    scenario(
        "update_deleted_experiment",
        "the 404 for a missing experiment comes before validation",
        create(),
        Step("DELETE", D),
        Step("PATCH", D, json={"name": None}),
        Step("PUT", D, json={}),
    ),
    scenario(
        "update_array_body",
        "a JSON array body on update",
        create(),
        Step("PATCH", D, json=[1]),
        Step("PUT", D, json=[]),
    ),
)
