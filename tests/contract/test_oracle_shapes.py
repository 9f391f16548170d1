"""A real PostHog's answers to odd variant shapes, replayed against the spec, the mock and the SDK.

`oracle_shapes.json` was recorded from PostHog's real server (August 2025 build) by
`scripts/record_oracle_shapes.py`: every shape was created, retrieved and renamed with the
variants it came back with. It is the evidence for the spec's leniency: what the server
accepted, the request schemas accept; what it returned, the response schemas accept.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from posthog_web_experiments_client.models import PaginatedWebExperimentList, WebExperiment

from contract_tests.targets import MOCK_FULL_KEY
from tests.contract.conftest import suite_mock
from tests.test_spec import validator_for

RECORDING: dict[str, Any] = json.loads(
    (Path(__file__).with_name("oracle_shapes.json")).read_text(encoding="utf-8")
)
EXCHANGES: list[dict[str, Any]] = RECORDING["exchanges"]
NEWER_THAN_SERVER: frozenset[str] = frozenset(RECORDING["newer_than_server"])
# Rules newer PostHog enforces that JSON Schema cannot express (a regex over HTML): the spec
# documents them in prose, the mock enforces them.
NOT_EXPRESSIBLE = frozenset({"script_injection"})
# Differences the mock still has from the recorded server, each a known defect of the mock.
KNOWN_MOCK_GAPS: dict[str, str] = {}
REQUEST_SCHEMAS = {"POST": "WebExperimentCreate", "PATCH": "WebExperimentPartialUpdate"}


def _exchanges(*steps: str, answered: bool = False) -> list[Any]:
    return [
        pytest.param(exchange, id=f"{exchange['shape']}-{exchange['step']}")
        for exchange in EXCHANGES
        if exchange["step"] in steps and not (answered and exchange["status"] >= 300)
    ]


def test_recording_covers_the_shapes_of_the_issue() -> None:
    shapes = {exchange["shape"] for exchange in EXCHANGES if exchange["status"] == 201}
    assert {
        "attributes_string",
        "control_transforms_object",
        "img_url_object",
        "is_new_number",
        "nulls",
        "nested_unknown_keys",
        "number_name_and_variant_name",
    } <= shapes


@pytest.mark.parametrize("exchange", _exchanges("create", "retrieve", "rename", "list"))
def test_every_answer_fits_the_response_schema(exchange: dict[str, Any]) -> None:
    status = exchange["status"]
    if status >= 400:
        schema = {"$ref": "#/components/schemas/Error"}
    elif exchange["step"] == "list":
        schema = {"$ref": "#/components/schemas/PaginatedWebExperimentList"}
    else:
        schema = {"$ref": "#/components/schemas/WebExperiment"}
    errors = [error.message for error in validator_for(schema).iter_errors(exchange["response"])]
    assert errors == []


def test_rules_newer_than_the_server_are_only_ones_json_schema_cannot_express() -> None:
    """The spec encodes no rule the recorded server lacks: those live in prose and the mock."""
    assert NEWER_THAN_SERVER == NOT_EXPRESSIBLE


@pytest.mark.parametrize("exchange", _exchanges("create", "rename"))
def test_request_schema_accepts_exactly_what_posthog_accepts(exchange: dict[str, Any]) -> None:
    """Every body the server stored fits (booleans and 150/-50 included); 5xx bodies do not.

    A body PostHog answers with 500 is its defect, not a rule: the enforced branches leave it
    out so that the suite's negative cases report it as a PostHog defect.
    """
    status = exchange["status"]
    schema = {"$ref": f"#/components/schemas/{REQUEST_SCHEMAS[exchange['method']]}"}
    valid = validator_for(schema).is_valid(exchange["request"])
    if status < 300:
        assert valid
    elif status >= 500 or "selector" in exchange["response"]["detail"]:
        assert not valid
    else:
        # The split must sum to 100: a rule across variants, checked by the server only.
        assert exchange["response"]["detail"].endswith("must sum to 100.")


@pytest.mark.parametrize("exchange", _exchanges("create", "retrieve", "rename", answered=True))
def test_generated_models_read_and_write_back_every_stored_shape(exchange: dict[str, Any]) -> None:
    experiment = WebExperiment.from_dict(exchange["response"])
    assert experiment.variants.to_dict() == exchange["response"]["variants"]


def test_generated_list_model_reads_every_stored_shape() -> None:
    (listing,) = [exchange["response"] for exchange in EXCHANGES if exchange["step"] == "list"]
    page = PaginatedWebExperimentList.from_dict(listing)
    assert [item.variants.to_dict() for item in page.results] == [
        item["variants"] for item in listing["results"]
    ]


@pytest.fixture(scope="module")
def shared_mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """One mock answering as the recorded server, for every shape (each creates its own)."""
    with (
        suite_mock(tmp_path_factory.mktemp("oracle-shapes"), posthog_version="2025-08") as server,
        httpx.Client(
            base_url=server.base_url,
            headers={"Authorization": f"Bearer {MOCK_FULL_KEY}"},
            timeout=30,
        ) as client,
    ):
        yield client


def _shapes() -> list[Any]:
    shapes = list(dict.fromkeys(e["shape"] for e in EXCHANGES if e["step"] != "list"))
    return [
        pytest.param(
            shape,
            id=shape,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_MOCK_GAPS[shape])]
            if shape in KNOWN_MOCK_GAPS
            else [],
        )
        for shape in shapes
    ]


@pytest.mark.parametrize("shape", _shapes())
def test_mock_answers_each_recorded_shape_like_posthog(
    shared_mock: httpx.Client, shape: str
) -> None:
    """As `2025-08`, the mock gives each recorded status, and the variants or the error code."""
    collection = "/api/projects/1/web_experiments/"
    created_id: int | None = None
    answers: list[tuple[str, int, Any]] = []
    expected: list[tuple[str, int, Any]] = []
    for exchange in (e for e in EXCHANGES if e["shape"] == shape):
        step, status = exchange["step"], exchange["status"]
        if step != "create" and created_id is None:
            continue
        url = collection if step == "create" else f"{collection}{created_id}/"
        response = client_request(shared_mock, exchange["method"], url, exchange["request"])
        body = response.json()
        if step == "create" and response.status_code == 201:
            created_id = body["id"]
        recorded = exchange["response"]
        answers.append((step, response.status_code, body.get("variants", body.get("code"))))
        wanted = recorded.get("variants") if status < 300 else recorded["code"]
        expected.append((step, status, wanted))
    assert answers == expected


def client_request(client: httpx.Client, method: str, url: str, body: Any) -> httpx.Response:
    """Send one recorded request, with its JSON body when it had one."""
    if body is None:
        return client.request(method, url)
    return client.request(method, url, json=body)
