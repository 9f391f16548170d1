"""The guarded transport: what it refuses, what it records, how it paces and waits."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from requests.adapters import BaseAdapter

from live_road.bodies import smallest_breaking_body
from live_road.cleanup import delete_leftovers
from live_road.facts import Target, posthog_cloud_host, segment_id
from live_road.journal import Journal
from live_road.policy import CreateBudgetExhaustedError, Pacer, Policy, UnsafeRequestRefusedError
from live_road.transport import GuardedTransport, open_session

BASE = "http://127.0.0.1:9"
LIST = f"{BASE}/api/projects/1/web_experiments/"


class ScriptedAdapter(BaseAdapter):
    """Answers from a script instead of the network, and remembers what was sent."""

    def __init__(self, answers: list[tuple[int, dict[str, Any] | None]]) -> None:
        super().__init__()
        self.answers = answers
        self.sent: list[tuple[str, str]] = []

    def send(  # type: ignore[override]  # the keyword arguments are not used
        self, request: requests.PreparedRequest, **kwargs: Any
    ) -> requests.Response:
        self.sent.append((str(request.method), str(request.url)))
        status, body = self.answers.pop(0) if self.answers else (200, {})
        response = requests.Response()
        response.status_code = status
        response._content = b"" if body is None else json.dumps(body).encode()
        response.request = request
        response.url = str(request.url)
        return response

    def close(self) -> None:
        """Nothing to close."""


@dataclass
class Guarded:
    """A session over a guarded transport over the scripted adapter."""

    session: requests.Session
    transport: GuardedTransport

    def __getattr__(self, name: str) -> Any:
        return getattr(self.session, name)

    @property
    def journal(self) -> Journal:
        return self.transport.journal


def make_session(
    tmp_path: Path,
    answers: list[tuple[int, dict[str, Any] | None]],
    max_creates: int | None = 5,
    *,
    read_back: bool = False,
    refuse_read_breaking: bool = False,
) -> tuple[Guarded, ScriptedAdapter, list[float]]:
    slept: list[float] = []
    adapter = ScriptedAdapter(answers)
    policy = Policy(
        "live-guarded",
        max_creates,
        read_back=read_back,
        refuse_read_breaking=refuse_read_breaking,
    )
    session, transport = open_session(
        Target(BASE, "1"),
        Journal(path=tmp_path / "state.json"),
        policy,
        inner=adapter,
        sleep=slept.append,
    )
    return Guarded(session, transport), adapter, slept


def created(experiment_id: int) -> tuple[int, dict[str, Any]]:
    return 201, {"id": experiment_id, "name": "x", "feature_flag_key": f"x-{experiment_id}"}


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "POST"])
@pytest.mark.parametrize("raw_id", ["7", "0007", "%2B7", "7_0", "%207"])
def test_write_to_experiment_not_created_by_the_run_is_refused(
    tmp_path: Path, method: str, raw_id: str
) -> None:
    session, adapter, _ = make_session(tmp_path, [])
    with pytest.raises(UnsafeRequestRefusedError, match="was not created by this run"):
        session.request(method, f"{LIST}{raw_id}/")
    assert adapter.sent == []
    assert session.journal.refused


def test_reads_of_any_experiment_are_sent(tmp_path: Path) -> None:
    session, adapter, _ = make_session(tmp_path, [(200, {"id": 7})])
    session.get(f"{LIST}7/")
    assert adapter.sent == [("GET", f"{LIST}7/")]


def test_write_to_created_experiment_is_sent_and_delete_is_recorded(tmp_path: Path) -> None:
    session, adapter, _ = make_session(tmp_path, [created(41), (200, {}), (204, None)])
    session.post(LIST, json={})
    session.patch(f"{LIST}41/", json={})
    session.delete(f"{LIST}41")
    assert [m for m, _ in adapter.sent] == ["POST", "PATCH", "DELETE"]
    ledger = Journal.load(tmp_path / "state.json")
    assert ledger.created[41].deleted
    assert ledger.created[41].feature_flag_key == "x-41"


def test_non_numeric_ids_cannot_address_an_experiment_and_are_sent(tmp_path: Path) -> None:
    session, adapter, _ = make_session(tmp_path, [(404, {})])
    session.delete(f"{LIST}abc/")
    assert adapter.sent == [("DELETE", f"{LIST}abc/")]


def test_create_beyond_budget_is_refused(tmp_path: Path) -> None:
    session, adapter, _ = make_session(tmp_path, [created(1), created(2)], max_creates=2)
    session.post(LIST, json={})
    session.post(LIST, json={})
    with pytest.raises(CreateBudgetExhaustedError, match="at most 2 experiments"):
        session.post(LIST, json={})
    assert len(adapter.sent) == 2


def test_create_answered_200_is_still_tracked_for_cleanup(tmp_path: Path) -> None:
    session, _, _ = make_session(tmp_path, [(200, {"id": 5, "feature_flag_key": "k"})])
    session.post(LIST, json={})
    assert session.journal.live_ids() == [5]


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/api/projects/1/web_experiments/",
        f"{BASE}/api/projects/1/feature_flags/3/",
        f"{LIST}",
    ],
)
def test_writes_elsewhere_are_refused(tmp_path: Path, url: str) -> None:
    session, adapter, _ = make_session(tmp_path, [])
    with pytest.raises(UnsafeRequestRefusedError):
        session.delete(url)
    assert adapter.sent == []


def test_throttled_request_waits_as_long_as_asked_and_retries(tmp_path: Path) -> None:
    detail = "Request was throttled. Expected available in 12 seconds."
    session, adapter, slept = make_session(
        tmp_path, [(429, {"detail": detail}), (200, {"count": 0})]
    )
    response = session.get(LIST)
    assert response.status_code == 200
    assert slept == [12.0]
    assert len(adapter.sent) == 2


def test_pacer_spaces_requests_to_the_rate() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(480, clock=lambda: now[0], sleep=sleep)
    for _ in range(5):
        pacer.wait()
    assert slept == pytest.approx([0.125] * 4)


def test_delete_leftovers_deletes_only_live_created_experiments(tmp_path: Path) -> None:
    session, adapter, _ = make_session(tmp_path, [created(1), created(2), (204, None), (204, None)])
    session.post(LIST, json={})
    session.post(LIST, json={})
    session.delete(f"{LIST}1/")
    assert delete_leftovers(session.transport, "key") == []
    deletes = [sent for sent in adapter.sent if sent[0] == "DELETE"]
    assert deletes == [("DELETE", f"{LIST}1/"), ("DELETE", f"{LIST}2/")]
    assert session.journal.live_ids() == []


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12", 12), ("%2B12", 12), ("0012", 12), ("1_2", 12), ("abc", None), ("1.5", None)],
)
def test_addressed_experiment_follows_int(raw: str, expected: int | None) -> None:
    assert segment_id(raw) == expected


def listing(*items: tuple[int, str]) -> tuple[int, dict[str, Any]]:
    results = [{"id": i, "name": name, "feature_flag_key": f"k-{i}"} for i, name in items]
    return 200, {"count": len(results), "next": None, "previous": None, "results": results}


def test_create_answered_5xx_that_was_stored_is_found_and_deleted(tmp_path: Path) -> None:
    session, adapter, _ = make_session(
        tmp_path,
        [
            created(10),
            (500, {"type": "server_error"}),
            # The project, newest first: the stored 500, ours, an older one with the same name.
            listing((12, "contract-suite-odd"), (10, "x"), (3, "contract-suite-odd")),
            (204, None),
            (204, None),
        ],
    )
    session.post(LIST, json={"name": "x"})
    session.post(LIST, json={"name": " contract-suite-odd "})
    assert session.journal.suspect_names == ["contract-suite-odd"]
    assert delete_leftovers(session.transport, "key") == []
    deletes = [sent for sent in adapter.sent if sent[0] == "DELETE"]
    assert deletes == [("DELETE", f"{LIST}10/"), ("DELETE", f"{LIST}12/")]
    assert session.journal.suspect_names == []
    assert 3 not in session.journal.created


def test_suspect_create_stays_reported_when_the_list_fails(tmp_path: Path) -> None:
    session, _, _ = make_session(tmp_path, [created(10), (500, None), (500, None), (204, None)])
    session.post(LIST, json={"name": "x"})
    session.post(LIST, json={"name": "odd"})
    assert delete_leftovers(session.transport, "key") == []
    assert session.journal.suspect_names == ["odd"]
    assert Journal.load(session.journal.path).suspect_names == ["odd"]


def test_create_answered_5xx_with_a_body_too_deep_to_parse_is_no_suspect(tmp_path: Path) -> None:
    session, _, _ = make_session(tmp_path, [(500, {"type": "server_error"})])
    deep = "[" * 100_000 + "]" * 100_000
    response = session.post(LIST, data=deep, headers={"Content-Type": "application/json"})
    assert response.status_code == 500
    assert session.journal.suspect_names == []


FLAGS = f"{BASE}/api/projects/1/feature_flags/"


def flag_listing(*flags: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    return 200, {"count": len(flags), "next": None, "previous": None, "results": list(flags)}


def our_flag(flag_id: int, key: str, **changes: Any) -> dict[str, Any]:
    return {"id": flag_id, "key": key, "active": False, "experiment_set": [], **changes}


@pytest.mark.parametrize(
    ("listed", "body"),
    [
        pytest.param(our_flag(9, "x-41"), {"deleted": True}, id="checked-and-soft-delete"),
        pytest.param(our_flag(9, "x-41"), {"deleted": True, "key": "y"}, id="other-fields"),
        pytest.param(our_flag(9, "x-41"), {"active": True}, id="not-a-delete"),
        pytest.param(our_flag(9, "x-41", active=True), {"deleted": True}, id="active-flag"),
        pytest.param(our_flag(9, "x-41", experiment_set=[5]), {"deleted": True}, id="foreign-link"),
        pytest.param(our_flag(9, "x-41-other"), {"deleted": True}, id="other-key"),
    ],
)
def test_only_a_soft_delete_of_a_checked_flag_of_the_run_is_sent(
    tmp_path: Path, listed: dict[str, Any], body: dict[str, Any]
) -> None:
    session, adapter, _ = make_session(tmp_path, [created(41), flag_listing(listed), (200, {})])
    session.post(LIST, json={})
    session.get(f"{FLAGS}?search=x-41")
    allowed = body == {"deleted": True} and listed == our_flag(9, "x-41")
    if allowed:
        session.patch(f"{FLAGS}9/", json=body)
        assert adapter.sent[-1] == ("PATCH", f"{FLAGS}9/")
    else:
        with pytest.raises(UnsafeRequestRefusedError):
            session.patch(f"{FLAGS}9/", json=body)
        assert adapter.sent[-1] == ("GET", f"{FLAGS}?search=x-41")


def test_flags_are_soft_deleted_after_their_experiments_and_a_403_stops_trying(
    tmp_path: Path,
) -> None:
    session, adapter, _ = make_session(
        tmp_path,
        [created(1), created(2), (204, None), (204, None), (403, {"detail": "missing scope"})],
    )
    session.post(LIST, json={})
    session.post(LIST, json={})
    assert delete_leftovers(session.transport, "key") == []
    assert [m for m, _ in adapter.sent] == ["POST", "POST", "DELETE", "DELETE", "GET"]
    assert session.journal.flag_scope_missing
    assert session.journal.flags_left() == ["x-1", "x-2"]


@pytest.mark.parametrize(
    "variants",
    [
        pytest.param({"control": {"rollout_percentage": 100, "x": 1e20}}, id="float"),
        pytest.param({"control": {"rollout_percentage": 100, "x": [2**64]}}, id="integer"),
    ],
)
def test_values_known_to_break_reads_are_never_sent(
    tmp_path: Path, variants: dict[str, Any]
) -> None:
    session, adapter, _ = make_session(tmp_path, [], refuse_read_breaking=True)
    with pytest.raises(UnsafeRequestRefusedError, match="number_beyond_64_bits at"):
        session.post(LIST, json={"name": "n", "variants": variants})
    assert adapter.sent == []


def test_a_write_whose_read_back_fails_is_deleted_at_once_and_recorded(tmp_path: Path) -> None:
    page = {"results": [{"id": 41}], "next": None}
    session, adapter, _ = make_session(
        tmp_path,
        [
            created(41),
            (200, {"id": 41}),  # the create read back: the experiment
            (200, page),  # and the list page holding it
            (200, {"id": 41}),  # the PATCH
            (500, None),  # its read-back fails
            (204, None),  # so it is deleted at once
            (200, {"results": [], "next": None}),  # and the list read again
        ],
        read_back=True,
    )
    session.post(LIST, json={"name": "x"})
    sent_body = {"name": "n", "variants": {"control": {"rollout_percentage": 100, "x": 7}}}
    session.patch(f"{LIST}41/", json=sent_body)
    item = "/api/projects/1/web_experiments/41/"
    listed = "/api/projects/1/web_experiments/?limit=100"
    assert [(m, u.removeprefix(BASE)) for m, u in adapter.sent] == [
        ("POST", "/api/projects/1/web_experiments/"),
        ("GET", item),
        ("GET", listed),
        ("PATCH", item),
        ("GET", item),
        ("DELETE", item),
        ("GET", listed),
    ]
    (brk,) = session.journal.read_breaks
    assert brk.deleted
    assert brk.experiment_id == 41
    assert brk.read == f"GET {item} answered 500"
    assert brk.list_after == "200"
    assert json.loads(brk.smallest_body) == sent_body  # no known class: the whole body
    assert session.journal.live_ids() == []


def test_smallest_breaking_body_keeps_only_the_path_to_each_value() -> None:
    body = {
        "name": "n",
        "created_at": "2025-01-01T00:00:00Z",
        "variants": {
            "control": {"rollout_percentage": 50, "transforms": [], "x": 1e20},
            "test": {"rollout_percentage": 50, "transforms": [{"text": "a", "n": [1, 2**64]}]},
        },
    }
    assert json.loads(smallest_breaking_body(json.dumps(body))) == {
        "name": "n",
        "variants": {
            "control": {"rollout_percentage": 50, "x": 1e20},
            "test": {"rollout_percentage": 50, "transforms": [{"n": [2**64]}]},
        },
    }


@pytest.mark.parametrize(
    ("url", "cloud"),
    [
        ("https://us.posthog.com", "us.posthog.com"),
        ("https://eu.posthog.com/", "eu.posthog.com"),
        ("https://app.posthog.com", "app.posthog.com"),
        ("https://posthog.com", "posthog.com"),
        ("https://EU.PostHog.com.", "eu.posthog.com"),
        ("http://127.0.0.1:8020", None),
        ("https://posthog.example.com", None),
        ("https://notposthog.com", None),
    ],
)
def test_posthog_cloud_hosts_are_recognised(url: str, cloud: str | None) -> None:
    assert posthog_cloud_host(url) == cloud
