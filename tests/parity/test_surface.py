"""The surface generator's machinery: project forms and ids mapped form for form, the switch."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
import requests

from live_road.policy import Policy, UnsafeRequestRefusedError
from parity.lockstep import AS_WRITTEN, Lockstep, RawRequest, Sides
from parity.surface import Probes
from parity.targets import ParityTarget, int_form

REFERENCE = ParityTarget(
    "reference", "http://127.0.0.1:1", keys={"all": "phx_ref"}, projects={"main": "5"}
)
OTHER = ParityTarget(
    "other", "http://127.0.0.1:2", keys={"all": "phx_other"}, projects={"main": "1"}
)


def lockstep() -> Lockstep:
    session = requests.Session()
    return Lockstep(Sides(REFERENCE, session, OTHER, session), rules=AS_WRITTEN)


@pytest.mark.parametrize(
    ("form", "reference", "other"),
    [
        pytest.param("fullwidth", "%EF%BC%95", "%EF%BC%91", id="fullwidth"),
        pytest.param("arabic", "%D9%A5", "%D9%A1", id="arabic-indic"),
        pytest.param("%09{}", "%095", "%091", id="tab"),
        pytest.param("0_{}", "0_5", "0_1", id="underscore"),
        pytest.param("{}a", "5a", "1a", id="refused-form"),
    ],
)
def test_project_form_maps_to_the_same_form_of_the_other_project(
    form: str, reference: str, other: str
) -> None:
    machinery = lockstep()
    segment = Probes(machinery, seed=1).project(form)
    request = RawRequest("GET", f"/api/projects/{segment}/web_experiments/?limit=1")
    assert segment == reference
    assert machinery.translate(request).target == f"/api/projects/{other}/web_experiments/?limit=1"


@pytest.mark.parametrize(
    ("path", "translated"),
    [
        pytest.param("web_experiments/40/", "web_experiments/7/", id="detail"),
        pytest.param("web_experiments/40.json", "web_experiments/7.json", id="format-suffix"),
        pytest.param("web%5Fexperiments/40/", "web%5Fexperiments/7/", id="encoded-underscore"),
        pytest.param("web_experiments/40/results/", "web_experiments/7/results/", id="sub-path"),
        pytest.param("unknown_resource/", "unknown_resource/", id="unknown-resource"),
    ],
)
def test_ids_and_projects_map_on_every_project_path(path: str, translated: str) -> None:
    machinery = lockstep()
    machinery.ids.add(40, 7)
    request = RawRequest(
        "DELETE", f"/api/projects/5/{path}", (("Authorization", "Bearer phx_ref"),)
    )
    result = machinery.translate(request)
    assert result.target == f"/api/projects/1/{translated}"
    assert result.headers == (("Authorization", "Bearer phx_other"),)


def test_steer_sends_requests_as_written() -> None:
    request = RawRequest("PATCH", "/api/projects/+5/web_experiments/123/")
    assert lockstep().steer(request) == request


def test_int_forms_are_read_by_int_as_the_project() -> None:
    for form in ("fullwidth", "arabic", "%09{}", "{}%0A", "%20{}", "+{}", "0{}", "0_{}"):
        assert int(unquote(int_form(form, "42"))) == 42


@pytest.mark.parametrize(
    "url",
    [
        "https://us.posthog.com",
        "https://eu.posthog.com/",
        "https://posthog.com",
        "https://X.PostHog.com",
    ],
)
def test_own_server_switch_is_refused_for_posthog_cloud(url: str) -> None:
    with pytest.raises(UnsafeRequestRefusedError, match="PostHog Cloud"):
        Policy.own_server(url, max_creates=None)


def test_own_server_switch_accepts_a_server_of_ones_own() -> None:
    assert Policy.own_server("http://127.0.0.1:8020", max_creates=None).mode == "own-server"
    assert Policy.own_server("https://posthog.example.com", max_creates=None).mode == "own-server"
