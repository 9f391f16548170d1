"""Optic's changelog flattened: one change per place, with its kind."""

from __future__ import annotations

from spec_lifecycle.changes import counts, field_path, flatten

LIST = "GET /api/projects/{project_id}/web_experiments/"
# The shape `optic diff --json` printed for these edits (enum values, a type, a new required
# parameter, a new status, a removed operation), cut to what the flattening reads.
CHANGELOG = {
    "operations": [
        {"name": "DELETE /a/{id}/", "change": "removed", "attributes": [], "responses": []},
        {
            "name": LIST,
            "change": "changed",
            "attributes": [],
            "parameters": [
                {
                    "name": "query parameter 'search'",
                    "change": "added",
                    "attributes": [{"key": "", "after": {"name": "search"}, "change": "added"}],
                },
                {
                    "name": "query parameter 'limit'",
                    "change": "changed",
                    "attributes": [
                        {
                            "key": "/schema/type",
                            "change": "changed",
                            "before": "integer",
                            "after": "string",
                        },
                        {"key": "/schema/minimum", "before": 1, "change": "removed"},
                    ],
                },
            ],
            "responses": [
                {
                    "name": "200 response",
                    "change": "changed",
                    "attributes": [],
                    "contentTypes": [
                        {
                            "name": "application/json",
                            "change": "changed",
                            "attributes": [
                                {
                                    "key": "/schema/properties/results/items/properties/name",
                                    "change": "changed",
                                    "before": {"enum": ["a", "b"]},
                                    "after": {"enum": ["a", "c"]},
                                },
                                {
                                    "key": "/schema/properties/results/items/properties/id",
                                    "change": "changed",
                                    "before": {"type": "integer"},
                                    "after": {"type": "string"},
                                },
                            ],
                        }
                    ],
                    "headers": [],
                },
                {
                    "name": "404 response",
                    "change": "added",
                    "attributes": [],
                    "contentTypes": [],
                    "headers": [],
                },
            ],
        },
    ]
}


def test_every_kind_of_change_is_named() -> None:
    described = [change.describe() for change in flatten(CHANGELOG)]
    assert described == [
        "DELETE /a/{id}/: operation removed",
        f"{LIST} query parameter: parameter `search` added",
        f"{LIST} query parameter: type `limit` changed: 'integer' -> 'string'",
        f"{LIST} query parameter: parameter `limit.minimum` removed",
        f"{LIST} response 200 application/json: enum `results[].name` changed: adds 'c'; drops 'b'",
        f"{LIST} response 200 application/json: type `results[].id` changed: 'integer' -> 'string'",
        f"{LIST} response: status `404` added",
    ]
    assert counts(flatten(CHANGELOG)) == {
        "operation": 1,
        "parameter": 2,
        "status": 1,
        "enum": 1,
        "type": 2,
    }


def test_field_paths_read_like_the_payload() -> None:
    assert field_path("/schema/properties/results/items/properties/feature_flag_key") == (
        "results[].feature_flag_key"
    )
    assert field_path("/schema/properties/variants/properties/a~1b") == "variants.a/b"
    assert field_path("/schema/items/properties/id") == "[].id"
