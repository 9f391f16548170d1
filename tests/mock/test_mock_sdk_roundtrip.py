"""The generated SDK drives create → list → retrieve → update → delete against the mock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from posthog_web_experiments_client import AuthenticatedClient
from posthog_web_experiments_client.api.web_experiments import (
    web_experiments_create,
    web_experiments_destroy,
    web_experiments_list,
    web_experiments_partial_update,
    web_experiments_retrieve,
    web_experiments_update,
)
from posthog_web_experiments_client.models import (
    ControlVariant,
    Error,
    PaginatedWebExperimentList,
    Transform,
    Variant,
    WebExperiment,
    WebExperimentCreate,
    WebExperimentPartialUpdate,
    WebExperimentUpdate,
    WebExperimentVariants,
)

from posthog_mock.testing import MockServer


@pytest.fixture
def sdk(server: MockServer) -> Iterator[AuthenticatedClient]:
    assert server.api_key is not None
    with AuthenticatedClient(
        base_url=server.base_url, token=server.api_key, raise_on_unexpected_status=True
    ) as client:
        yield client


def variants(control: float, test: float, text: str) -> WebExperimentVariants:
    result = WebExperimentVariants(control=ControlVariant(rollout_percentage=control))
    result["test"] = Variant(
        rollout_percentage=test, transforms=[Transform(selector="#page h1", text=text)]
    )
    return result


def test_sdk_full_round_trip(sdk: AuthenticatedClient, server: MockServer) -> None:
    project = str(server.project_id)

    created = web_experiments_create.sync_detailed(
        project,
        client=sdk,
        body=WebExperimentCreate(name="SDK round trip", variants=variants(70, 30, "Hi")),
    )
    assert created.status_code == 201
    experiment = created.parsed
    assert isinstance(experiment, WebExperiment)
    assert experiment.feature_flag_key.startswith("sdk-round-trip-web-experiment-feature-")
    assert experiment.variants["control"].rollout_percentage == 70
    assert experiment.variants["test"].transforms[0].text == "Hi"  # type: ignore[index]

    listed = web_experiments_list.sync(project, client=sdk, limit=10)
    assert isinstance(listed, PaginatedWebExperimentList)
    assert listed.count == 1
    assert [e.id for e in listed.results] == [experiment.id]

    retrieved = web_experiments_retrieve.sync(project, experiment.id, client=sdk)
    assert isinstance(retrieved, WebExperiment)
    assert retrieved.to_dict() == experiment.to_dict()

    updated = web_experiments_update.sync(
        project,
        experiment.id,
        client=sdk,
        body=WebExperimentUpdate(name="Renamed", variants=variants(50, 50, "Bye")),
    )
    assert isinstance(updated, WebExperiment)
    assert updated.name == "Renamed"
    assert updated.feature_flag_key == experiment.feature_flag_key
    assert updated.variants["test"].rollout_percentage == 50

    patched = web_experiments_partial_update.sync(
        project,
        experiment.id,
        client=sdk,
        body=WebExperimentPartialUpdate(variants=variants(90, 10, "Patched")),
    )
    assert isinstance(patched, WebExperiment)
    assert patched.name == "Renamed"
    assert patched.variants["control"].rollout_percentage == 90

    deleted = web_experiments_destroy.sync_detailed(project, experiment.id, client=sdk)
    assert deleted.status_code == 204
    assert deleted.content == b""

    gone = web_experiments_retrieve.sync(project, experiment.id, client=sdk)
    assert isinstance(gone, Error)
    assert gone.to_dict() == {
        "type": "invalid_request",
        "code": "not_found",
        "detail": "Not found.",
        "attr": None,
    }


def test_sdk_receives_validation_errors_as_models(sdk: AuthenticatedClient) -> None:
    result = web_experiments_create.sync(
        "@current", client=sdk, body=WebExperimentCreate(name="bad", variants=variants(50, 40, "x"))
    )

    assert isinstance(result, Error)
    assert result.to_dict() == {
        "type": "validation_error",
        "code": "invalid_input",
        "detail": "Invalid variant definitions: Variant rollout percentages must sum to 100.",
        "attr": "filters",
    }
