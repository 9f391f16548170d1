"""The SDK reads, lists, iterates and writes back every variant shape a real PostHog stored.

The shapes are the ones `tests/contract/oracle_shapes.json` recorded from PostHog's server;
they are seeded into the mock verbatim, as the UI, the toolbar or an older server leave them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from posthog_mock.testing import MockServer
from posthog_web_experiments import (
    StoredTransform,
    StoredTransformAttribute,
    StoredVariant,
    ValidationError,
    WebExperiment,
)

from .conftest import api_key_of, call, collect, open_client

RECORDING = json.loads(
    (Path(__file__).parent.parent / "contract" / "oracle_shapes.json").read_text(encoding="utf-8")
)
# Variants as PostHog returned them after storing each shape (the retrieve step).
STORED: dict[str, dict[str, Any]] = {
    exchange["shape"]: exchange["response"]["variants"]
    for exchange in RECORDING["exchanges"]
    if exchange["step"] == "retrieve"
}
# Shapes the mock's default (newest) PostHog refuses to store again (they stay readable): rules
# newer than the recording server (the script-injection check), and a split whose hidden
# empty-named variant leaves the visible ones short of 100 (PostHog refused that rename too: it
# is in the recording). Booleans and out-of-range percentages summing to 100, and control
# transforms that are not objects, are stored again, as by every PostHog read.
NOT_WRITABLE_AGAIN = {
    *RECORDING["newer_than_server"],
    "empty_variant_name",
}


def seed(server: MockServer) -> dict[str, int]:
    """Store every recorded shape verbatim in the mock; the ids by shape."""
    ids: dict[str, int] = {}
    headers = {"Authorization": f"Bearer {api_key_of(server)}"}
    url = f"{server.base_url}/_mock/projects/{server.project_id}/web_experiments"
    with httpx.Client(headers=headers, verify=False) as client:  # one connection, plain HTTP
        for shape, variants in STORED.items():
            response = client.post(url, json={"name": shape, "variants": variants})
            assert response.status_code == 201, response.text
            ids[shape] = response.json()["id"]
    return ids


@pytest.fixture
def seeded(mock_server: MockServer) -> dict[str, int]:
    return seed(mock_server)


def test_recording_holds_the_shapes_of_the_issue() -> None:
    assert STORED["attributes_string"]["test"]["transforms"][0]["attributes"] == "nope"
    assert STORED["control_transforms_object"]["control"]["transforms"] == {"a": 1}
    assert STORED["img_url_object"]["test"]["transforms"][0]["imgUrl"] == {"alt": 1, "src": "a.png"}
    assert STORED["is_new_number"]["control"]["is_new"] == 5


@pytest.mark.anyio
async def test_retrieve_returns_every_stored_shape_unchanged(
    kind: str, mock_options: dict[str, Any], seeded: dict[str, int]
) -> None:
    async with open_client(kind, **mock_options) as client:
        for shape, experiment_id in seeded.items():
            experiment = await call(client, "retrieve", experiment_id)
            assert isinstance(experiment, WebExperiment)
            assert experiment.variants.to_dict() == STORED[shape], shape


@pytest.mark.anyio
async def test_pages_and_iteration_return_every_stored_shape(
    kind: str, mock_options: dict[str, Any], seeded: dict[str, int]
) -> None:
    by_id = {experiment_id: STORED[shape] for shape, experiment_id in seeded.items()}
    async with open_client(kind, **mock_options) as client:
        iterated = await collect(client.iter_experiments(limit=4))
        pages = await collect(client.iter_pages(limit=5))
        page = await call(client, "list_page", limit=100)
    assert {e.id: e.variants.to_dict() for e in iterated} == by_id
    assert {e.id: e.variants.to_dict() for p in pages for e in p.results} == by_id
    assert {e.id: e.variants.to_dict() for e in page.results} == by_id


@pytest.mark.anyio
async def test_odd_values_stay_reachable_and_conventional_ones_typed(
    kind: str, mock_options: dict[str, Any], seeded: dict[str, int]
) -> None:
    async with open_client(kind, **mock_options) as client:
        read = {shape: await call(client, "retrieve", i) for shape, i in seeded.items()}
    attributes_test = read["attributes_string"].variants["test"]
    assert isinstance(attributes_test, StoredVariant)
    assert isinstance(attributes_test.transforms, list)
    transform = attributes_test.transforms[0]
    assert isinstance(transform, StoredTransform)
    assert (transform.selector, transform.text, transform.attributes) == ("h1", "x", "nope")
    assert read["control_transforms_object"].variants["control"].transforms == {"a": 1}
    image = read["img_url_object"].variants["test"].transforms[0]
    assert image.img_url == {"alt": 1, "src": "a.png"}
    assert read["is_new_number"].variants["test"].is_new == 5
    nested = read["nested_unknown_keys"].variants
    assert nested["control"]["meta"] == {"a": {"b": [1, {"x": None}]}}
    assert nested["test"].conditions.additional_properties == {"other": [1]}
    assert nested["test"].conditions.url_match_type == "bogus"
    assert read["nulls"].variants["control"].transforms is None
    assert read["number_name_and_variant_name"].name == "number_name_and_variant_name"
    assert read["number_name_and_variant_name"].variants["42"].transforms[0].selector == 5
    attributes = read["odd_attributes"].variants["test"].transforms[0].attributes
    assert attributes[1:4] == ["str", 3, {"only": "x"}] or isinstance(
        attributes[3], StoredTransformAttribute
    )
    assert isinstance(attributes[4], StoredTransformAttribute)
    assert (attributes[4].name, attributes[4].value) == ("href", "/")
    assert (attributes[0].name, attributes[0].value) == (False, 1)
    assert read["percentage_boolean"].variants["control"].rollout_percentage is True


@pytest.mark.anyio
@pytest.mark.parametrize(
    "shape", [pytest.param(shape, id=shape) for shape in STORED if shape not in NOT_WRITABLE_AGAIN]
)
async def test_rename_with_the_variants_read_keeps_every_key_and_value(
    kind: str, mock_options: dict[str, Any], seeded: dict[str, int], shape: str
) -> None:
    async with open_client(kind, **mock_options) as client:
        experiment = await call(client, "retrieve", seeded[shape])
        body = {"name": f"{shape} renamed", "variants": experiment.variants.to_dict()}
        renamed = await call(client, "partial_update", experiment.id, body)
        again = await call(client, "retrieve", experiment.id)
    assert renamed.name == f"{shape} renamed"
    assert renamed.variants.to_dict() == STORED[shape]
    assert list(renamed.variants.to_dict()) == list(STORED[shape])
    assert again.variants.to_dict() == STORED[shape]


@pytest.mark.anyio
async def test_rename_of_a_shape_todays_posthog_refuses_is_a_validation_error(
    kind: str, mock_options: dict[str, Any], seeded: dict[str, int]
) -> None:
    async with open_client(kind, **mock_options) as client:
        experiment = await call(client, "retrieve", seeded["script_injection"])
        body = {"name": "renamed", "variants": experiment.variants.to_dict()}
        with pytest.raises(ValidationError) as raised:
            await call(client, "partial_update", experiment.id, body)
        unchanged = await call(client, "retrieve", experiment.id)
    assert (raised.value.code, raised.value.attr) == ("invalid_input", None)
    assert raised.value.detail == (
        "Transform html in variant 'test' contains disallowed <script> tags"
    )
    assert unchanged.variants.to_dict() == STORED["script_injection"]
