"""Differential fuzzing machinery over real HTTP: two mocks, one of them altered on purpose."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

from parity.fuzz import forwarder, json_request, prepare, render, run_schemathesis, tally
from parity.lockstep import IdMap, Lockstep, RawRequest, Sides
from parity.mutations import mutations
from parity.targets import MOCK_KEYS, MOCK_PROJECTS, ParityTarget, mock_config_toml
from posthog_mock.testing import MockServer

CONTROL = {"control": {"rollout_percentage": 100}}


@contextmanager
def started_mock(
    tmp_path: Path, name: str, *, read_scopes: str | None = None
) -> Iterator[ParityTarget]:
    """A mock configured like the parity targets; `read_scopes` alters the read key's scopes."""
    config = mock_config_toml(rate_limit=False)
    if read_scopes is not None:
        config = config.replace('scopes = ["experiment:read"]', f"scopes = {read_scopes}")
    path = tmp_path / f"{name}.toml"
    path.write_text(config, encoding="utf-8")
    with MockServer.start(config_path=path, in_process=True) as server:
        yield ParityTarget(
            name=name,
            base_url=str(server.base_url).rstrip("/"),
            keys={role: value for role, (value, _, _) in MOCK_KEYS.items()},
            projects={role: str(pid) for role, pid in MOCK_PROJECTS.items()},
        )


@contextmanager
def lockstep_between(
    reference: ParityTarget, other: ParityTarget, **kwargs: Any
) -> Iterator[Lockstep]:
    """A lockstep over plain sessions."""
    with requests.Session() as left, requests.Session() as right:
        yield Lockstep(Sides(reference, left, other, right), **kwargs)


@pytest.fixture
def twin(tmp_path: Path) -> Iterator[tuple[ParityTarget, ParityTarget]]:
    """Two fresh, identically configured mocks."""
    with started_mock(tmp_path, "a") as a, started_mock(tmp_path, "b") as b:
        yield a, b


def _collection(target: ParityTarget) -> str:
    return f"/api/projects/{target.projects['main']}/web_experiments/"


def _burn_ids(target: ParityTarget, count: int) -> None:
    """Create and delete experiments directly, so the target's next ids differ from a twin's."""
    headers = {"Authorization": f"Bearer {target.keys['all']}"}
    for index in range(count):
        created = requests.post(
            target.base_url + _collection(target),
            headers=headers,
            json={"name": f"burn {index}", "variants": CONTROL},
            timeout=10,
        )
        url = f"{target.base_url}{_collection(target)}{created.json()['id']}/"
        requests.delete(url, headers=headers, timeout=10).raise_for_status()


def _crud(lockstep: Lockstep, target: ParityTarget) -> list[RawRequest]:
    """Create, read, list, update and delete one experiment, in the reference's terms."""
    key = target.keys["all"]
    collection = _collection(target)
    created = lockstep.exchange(
        json_request(
            "POST", collection, key, {"name": "Lockstep", "variants": CONTROL}, origin="test"
        )
    )
    assert created.reference is not None
    item = f"{collection}{created.reference.json()['id']}/"
    requests_sent = [
        json_request("GET", item, key, origin="test"),
        json_request("GET", collection + "?limit=1", key, origin="test"),
        json_request("PATCH", item, key, {"name": "Renamed", "variants": CONTROL}, origin="test"),
        json_request("DELETE", item, key, origin="test"),
        json_request("GET", item, key, origin="test"),
    ]
    for request in requests_sent:
        lockstep.exchange(request)
    return requests_sent


def test_lockstep_pairs_ids_of_servers_with_different_id_sequences_and_finds_no_difference(
    twin: tuple[ParityTarget, ParityTarget],
) -> None:
    reference, other = twin
    _burn_ids(other, 3)
    with lockstep_between(reference, other) as lockstep:
        _crud(lockstep, reference)
    (pair,) = lockstep.ids.pairs
    assert pair[0] != pair[1]
    assert [o.reference.status_code for o in lockstep.outcomes if o.reference is not None] == [
        201,
        200,
        200,
        200,
        204,
        404,
    ]
    assert [f for o in lockstep.outcomes for f in o.findings] == []


def test_lockstep_with_a_wrong_id_map_reports_the_experiment_it_cannot_find(
    twin: tuple[ParityTarget, ParityTarget],
) -> None:
    reference, other = twin
    _burn_ids(other, 2)
    with lockstep_between(reference, other) as lockstep:
        key = reference.keys["all"]
        created = lockstep.exchange(
            json_request(
                "POST",
                _collection(reference),
                key,
                {"name": "Mapped", "variants": CONTROL},
                origin="test",
            )
        )
        assert created.reference is not None
        lockstep.ids = IdMap(pairs=[(created.reference.json()["id"], 1)])
        outcome = lockstep.exchange(
            json_request(
                "GET",
                f"{_collection(reference)}{created.reference.json()['id']}/",
                key,
                origin="test",
            )
        )
    kinds = {f.kind for f in outcome.findings}
    assert "GET /api/projects/{project}/web_experiments/{id}/ [200/404] response.status" in kinds


def test_lockstep_reports_every_path_where_an_altered_mock_differs(tmp_path: Path) -> None:
    with (
        started_mock(tmp_path, "real") as reference,
        started_mock(tmp_path, "altered", read_scopes='["*"]') as altered,
        lockstep_between(reference, altered) as lockstep,
    ):
        outcome = lockstep.exchange(
            json_request(
                "POST",
                _collection(reference),
                reference.keys["read"],
                {"name": "Read key", "variants": CONTROL},
                origin="test",
            )
        )
    differences = {
        f.difference.path: (f.difference.expected, f.difference.actual) for f in outcome.findings
    }
    assert differences["response.status"] == (403, 201)
    assert differences["response.body.detail"][0] == (
        "API key missing required scope 'experiment:write'"
    )
    assert lockstep.ids.other_only
    assert not lockstep.ids.pairs


def test_a_create_only_one_server_made_is_deleted_there_and_reported(tmp_path: Path) -> None:
    with (
        started_mock(tmp_path, "real") as reference,
        started_mock(tmp_path, "altered", read_scopes='["*"]') as altered,
        lockstep_between(reference, altered) as lockstep,
    ):
        outcome = lockstep.exchange(
            json_request(
                "POST",
                _collection(reference),
                reference.keys["read"],
                {"name": "Only there", "variants": CONTROL},
                origin="test",
            )
        )
        listed = requests.get(
            altered.base_url + _collection(altered),
            headers={"Authorization": f"Bearer {altered.keys['all']}"},
            timeout=10,
        ).json()
    assert [f.difference.path for f in outcome.findings][:1] == ["response.status"]
    assert listed["count"] == 0, "the extra create is deleted again on its server"
    report = render(tally(lockstep), reference="real", other="altered", command="test")
    assert report.endswith(
        "1 requests sent in lockstep, 0 not sent (guard or budget), 0 outside the API sent to "
        f"the reference only: {len(outcome.findings)} difference(s) of "
        f"{len(outcome.findings)} kind(s) in 1 request(s)\n"
    )


def test_steer_aims_unowned_ids_at_owned_ones_in_the_same_form_and_translate_maps_them(
    twin: tuple[ParityTarget, ParityTarget],
) -> None:
    reference, other = twin
    with lockstep_between(reference, other) as lockstep:
        lockstep.ids = IdMap(pairs=[(812, 3)])
        steered = lockstep.steer(RawRequest("PATCH", "/api/projects/77/web_experiments/+0005/"))
        assert steered.target == "/api/projects/1/web_experiments/+812/"
        negative = lockstep.steer(RawRequest("DELETE", "/api/projects/1/web_experiments/-5/"))
        assert negative.target == "/api/projects/1/web_experiments/812/"
        huge = RawRequest("GET", "/api/projects/1/web_experiments/99999999999999/?limit=1")
        assert lockstep.steer(huge) == huge
        translated = lockstep.translate(
            RawRequest(
                "GET",
                "/api/projects/@current/web_experiments/812/",
                (("Authorization", f"Bearer {reference.keys['read']}"),),
            )
        )
    assert translated.target == "/api/projects/@current/web_experiments/3/"
    assert translated.headers == (("Authorization", f"Bearer {other.keys['read']}"),)


@pytest.mark.slow
def test_fuzz_run_over_two_identical_mocks_covers_every_phase_and_finds_nothing(
    twin: tuple[ParityTarget, ParityTarget],
) -> None:
    reference, other = twin
    with lockstep_between(reference, other) as lockstep:
        prepare(lockstep)
        with forwarder(lockstep) as server:
            run_schemathesis(server.base_url, reference.keys["all"], seed=1, max_examples=1)
        for request in mutations(reference, lockstep, seed=1):
            lockstep.exchange(request)
    result = tally(lockstep)
    assert result.requests > 500
    assert {"setup", "schemathesis"} <= set(result.by_origin)
    assert any(origin.startswith("mutation:") for origin in result.by_origin)
    assert len(lockstep.ids.pairs) > 10
    assert result.kinds == {}


def test_fuzz_run_against_an_altered_mock_reports_its_differences(tmp_path: Path) -> None:
    with (
        started_mock(tmp_path, "real") as reference,
        started_mock(tmp_path, "altered", read_scopes='["*"]') as altered,
        lockstep_between(reference, altered) as lockstep,
    ):
        prepare(lockstep)
        for request in mutations(reference, lockstep, seed=1):
            lockstep.exchange(request)
    result = tally(lockstep)
    assert "POST /api/projects/{project}/web_experiments/ [403/201] response.status" in (
        result.kinds
    )
    report = render(result, reference="real", other="altered", command="test")
    assert "[403/201] response.status (1 request(s))" in report
    assert json.dumps("mutation:key read") in report
