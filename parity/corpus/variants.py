"""How variants come back: rebuilt from the flag split, in order, percentage first (§4)."""

from __future__ import annotations

from parity.corpus._helpers import Area, P, create, detail_path, get
from parity.model import Step

AREA = "variants_representation"
scenario = Area(AREA)

RICH = {
    "control": {
        "variant_name": "Control",
        "is_new": False,
        "transforms": [],
        "rollout_percentage": 34,
        "conditions": None,
    },
    "variant #1": {
        "transforms": [
            {
                "selector": "h1",
                "text": "Hi",
                "css": "color: red",
                "attributes": [{"name": "title", "value": "t"}],
                "imgUrl": "https://example.com/a.png",
                "extra": {"deep": [1]},
            }
        ],
        "conditions": {
            "url": "/pricing",
            "urlMatchType": "icontains",
            "utm": {"utm_source": "news"},
        },
        "rollout_percentage": 33,
        "unknown_key": True,
    },
    "b": {"rollout_percentage": 33, "transforms": [{"selector": ".x"}]},
}

SCENARIOS = (
    scenario(
        "variants_round_trip_rich",
        "every stored key comes back, rollout_percentage first, variants in request order",
        create("Rich variants", variants=RICH),
        get(detail_path()),
        get(P),
    ),
    scenario(
        "variants_empty_name_hidden",
        "a variant named '' is stored but never shown (§11 correction)",
        create(
            "Empty name",
            variants={"control": {"rollout_percentage": 50}, "": {"rollout_percentage": 50}},
        ),
        get(detail_path()),
    ),
    scenario(
        "variants_percentage_number_forms",
        "percentages keep their JSON form",
        create(
            "Number forms",
            variants={"control": {"rollout_percentage": 25.0}, "t": {"rollout_percentage": 75}},
        ),
        get(detail_path()),
    ),
    scenario(
        "variants_zero_percentage",
        "a 0% variant is kept",
        create(
            "Zero percent",
            variants={"control": {"rollout_percentage": 100}, "off": {"rollout_percentage": 0}},
        ),
    ),
    scenario(
        "variants_many",
        "ten variants keep their order",
        create(
            "Ten variants",
            variants={
                "control": {"rollout_percentage": 10},
                **{f"v{i}": {"rollout_percentage": 10} for i in (9, 1, 8, 2, 7, 3, 6, 4, 5)},
            },
        ),
        get(detail_path()),
    ),
    scenario(
        "variants_replaced_on_patch",
        "PATCH replaces variants wholesale, no merge",
        create("Replace", variants=RICH),
        Step(
            "PATCH",
            detail_path(),
            json={
                "variants": {
                    "control": {"transforms": [], "rollout_percentage": 60, "is_new": True},
                    "z": {"variant_name": "Z", "rollout_percentage": 40, "conditions": None},
                }
            },
        ),
        get(detail_path()),
    ),
    scenario(
        "variants_transforms_shapes",
        "transforms of [] {} and '' pass for tests",
        create(
            "Transform shapes",
            variants={
                "control": {"rollout_percentage": 40},
                "a": {"rollout_percentage": 20, "transforms": []},
                "b": {"rollout_percentage": 20, "transforms": {}},
                "c": {"rollout_percentage": 20, "transforms": ""},
            },
        ),
        get(detail_path()),
    ),
)
