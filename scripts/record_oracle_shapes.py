"""Record what a real PostHog stores and returns for odd variant shapes, for CI to replay.

Usage: ``python scripts/record_oracle_shapes.py --host URL --project-id N --key KEY
[--keep] [--output tests/contract/oracle_shapes.json]``. Each shape is created, retrieved,
listed and renamed with the variants it was returned with (a read-modify-write); every request
and response is written to the output file. Without ``--keep`` the experiments are deleted
again; with it they stay, so a live contract run sees a project that holds them.
``tests/contract/test_oracle_shapes.py`` replays the file against the mock and the spec.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import httpx

OUTPUT = Path(__file__).resolve().parent.parent / "tests" / "contract" / "oracle_shapes.json"
NAME_PREFIX = "stored-shape "
CONTROL = {"rollout_percentage": 50}


def _two(control: dict[str, Any], test: dict[str, Any]) -> dict[str, Any]:
    return {
        "control": {"rollout_percentage": 50, **control},
        "test": {"rollout_percentage": 50, **test},
    }


# name -> (variants, top-level extras, note). `newer` marks rules newer PostHog enforces (its
# code shows them) and the recorded server (August 2025) does not (reference §11).
SHAPES: dict[str, dict[str, Any]] = {
    "attributes_string": {
        "variants": _two(
            {"transforms": [{"selector": "h1", "attributes": "nope"}]},
            {"transforms": [{"selector": "h1", "text": "x", "attributes": "nope"}]},
        )
    },
    "control_transforms_object": {"variants": _two({"transforms": {"a": 1}}, {})},
    "control_transforms_string": {"variants": _two({"transforms": "abc"}, {})},
    "control_transforms_not_objects": {"variants": _two({"transforms": [1, "x", None]}, {})},
    "img_url_object": {
        "variants": _two(
            {}, {"transforms": [{"selector": "img", "imgUrl": {"src": "a.png", "alt": 1}}]}
        )
    },
    "is_new_number": {"variants": _two({"is_new": 5}, {"is_new": 5})},
    "nested_unknown_keys": {
        "variants": _two(
            {"meta": {"a": {"b": [1, {"x": None}]}}},
            {
                "transforms": [{"selector": "h1", "extra": {"deep": [1, {"x": None}]}}],
                "conditions": {
                    "url": "x",
                    "urlMatchType": "bogus",
                    "utm": {"utm_source": 7, "custom": True},
                    "other": [1],
                },
                "unknown": {"k": ["v", 2]},
            },
        )
    },
    "nulls": {
        "variants": _two(
            {"transforms": None, "conditions": None, "variant_name": None, "is_new": None},
            {
                "transforms": [
                    {
                        "selector": "h1",
                        "text": None,
                        "html": None,
                        "imgUrl": None,
                        "css": None,
                        "attributes": None,
                    }
                ],
                "conditions": None,
                "variant_name": None,
            },
        )
    },
    "number_name_and_variant_name": {
        "name": 12345,
        "variants": {
            "control": {"rollout_percentage": 50, "variant_name": 7},
            "42": {"rollout_percentage": 50, "transforms": [{"selector": 5, "text": 5}]},
        },
    },
    "odd_attributes": {
        "variants": _two(
            {},
            {
                "transforms": [
                    {
                        "selector": "a",
                        "attributes": [
                            {"name": False, "value": 1},
                            "str",
                            3,
                            {"only": "x"},
                            {"name": "href", "value": "/"},
                        ],
                    }
                ]
            },
        )
    },
    "conditions_string": {"variants": _two({"conditions": "None"}, {"conditions": [1, 2]})},
    "odd_transform_values": {
        "variants": _two(
            {"transforms": [{"text": 5, "css": {"color": "red"}}]},
            {"transforms": [{"selector": "h1", "html": ["<b>x</b>"], "css": 3}]},
        )
    },
    "empty_test_transforms": {
        "variants": {
            "control": {"rollout_percentage": 34},
            "a": {"rollout_percentage": 33, "transforms": {}},
            "b": {"rollout_percentage": 33, "transforms": ""},
        }
    },
    "float_percentages": {
        "variants": {"control": {"rollout_percentage": 25.5}, "test": {"rollout_percentage": 74.5}}
    },
    "empty_variant_name": {
        "variants": {"control": {"rollout_percentage": 50}, "": {"rollout_percentage": 50}}
    },
    "unknown_top_level": {"variants": _two({}, {}), "extra": {"a": 1}, "feature_flag_key": "x"},
    # PostHog's own defects (5xx), values no PostHog read checks, and a rule of newer PostHog.
    "test_transforms_object": {"variants": _two({}, {"transforms": {"a": 1}})},
    "test_transforms_null": {"variants": _two({}, {"transforms": None})},
    "test_transforms_not_objects": {"variants": _two({}, {"transforms": [1]})},
    "variant_not_object": {"variants": {"control": {"rollout_percentage": 100}, "test": 5}},
    "percentage_string": {"variants": {"control": {"rollout_percentage": "100"}}},
    "percentage_out_of_range": {
        "variants": {"control": {"rollout_percentage": 150}, "test": {"rollout_percentage": -50}},
    },
    "percentage_boolean": {
        "variants": {"control": {"rollout_percentage": True}, "test": {"rollout_percentage": 99}},
    },
    "script_injection": {
        "newer": True,
        "variants": _two(
            {}, {"transforms": [{"selector": "h1", "html": "<script>alert(1)</script>"}]}
        ),
    },
    "missing_selector": {"variants": _two({}, {"transforms": [{"text": "x"}]})},
}


def record(client: httpx.Client, collection: str, keep: bool) -> list[dict[str, Any]]:
    """Send every shape; return the exchanges in order."""
    exchanges: list[dict[str, Any]] = []

    def send(shape: str, step: str, method: str, url: str, body: Any = None) -> httpx.Response:
        response = (
            client.request(method, url, json=body)
            if body is not None
            else client.request(method, url)
        )
        try:
            parsed: Any = response.json()
        except ValueError:
            parsed = response.text[:500]
        exchanges.append(
            {
                "shape": shape,
                "step": step,
                "method": method,
                "path": httpx.URL(url).raw_path.decode(),
                "request": body,
                "status": response.status_code,
                "response": parsed,
            }
        )
        return response

    created: list[int] = []
    for shape, spec in SHAPES.items():
        body = {key: value for key, value in spec.items() if key != "newer"}
        body.setdefault("name", NAME_PREFIX + shape)
        response = send(shape, "create", "POST", collection, body)
        if response.status_code != 201:
            continue
        experiment = response.json()
        created.append(experiment["id"])
        item = f"{collection}{experiment['id']}/"
        send(shape, "retrieve", "GET", item)
        renamed = {"name": f"{NAME_PREFIX}{shape} renamed", "variants": experiment["variants"]}
        send(shape, "rename", "PATCH", item, renamed)
    send("*", "list", "GET", f"{collection}?limit=1000")
    if not keep:
        for experiment_id in created:
            client.delete(f"{collection}{experiment_id}/")
    return exchanges


def main() -> None:
    """Record the shapes against the server named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", required=True)
    parser.add_argument("--project-id", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--keep", action="store_true", help="leave the experiments in place")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    collection = f"{args.host.rstrip('/')}/api/projects/{args.project_id}/web_experiments/"
    with httpx.Client(headers={"Authorization": f"Bearer {args.key}"}, timeout=30) as client:
        exchanges = record(client, collection, args.keep)
    newer = sorted(name for name, spec in SHAPES.items() if spec.get("newer"))
    document = {
        "server": "PostHog (August 2025 build)",
        "newer_than_server": newer,
        "exchanges": exchanges,
    }
    args.output.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(f"{len(exchanges)} exchanges written to {args.output}")


if __name__ == "__main__":
    main()
