"""The mock's feature flags subset answers the clean-up sequence as PostHog did (recorded)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from contract_tests.targets import MOCK_FULL_KEY, MOCK_READ_ONLY_KEY
from posthog_mock.testing import MockServer

RECORDED = json.loads((Path(__file__).parent / "oracle_feature_flags.json").read_text())
# Values that differ between any two servers; and the flag name, which the mock derives from
# the experiment while it exists and does not keep after it is deleted.
VARYING = ("id", "created_at", "key", "feature_flag_key", "experiment_set")


def _normalised(body: Any, *, keep_name: bool) -> Any:
    if isinstance(body, dict) and "results" in body:
        return {
            **body,
            "count": "<n>",
            "results": [_normalised(r, keep_name=keep_name) for r in body["results"]],
        }
    if isinstance(body, dict) and "filters" in body:
        return {
            k: ("<v>" if k in VARYING or (k == "name" and not keep_name) else v)
            for k, v in body.items()
        }
    return body


def test_flag_cleanup_sequence_matches_the_recording(mock_server: MockServer) -> None:
    full = {"Authorization": f"Bearer {MOCK_FULL_KEY}"}
    scoped = {"Authorization": f"Bearer {MOCK_READ_ONLY_KEY}"}  # no feature_flag scope
    got: dict[str, tuple[int, Any]] = {}
    with httpx.Client(base_url=mock_server.base_url, timeout=30) as http:
        p = "/api/projects/1"

        def call(step: str, method: str, path: str, headers: dict[str, str], **kw: Any) -> Any:
            answer = http.request(method, path, headers=headers, **kw)
            got[step] = (answer.status_code, answer.json() if answer.content else "")
            return got[step][1]

        created = call(
            "create",
            "POST",
            f"{p}/web_experiments/",
            full,
            json={"name": "ffprobe wt15", "variants": {"control": {"rollout_percentage": 100}}},
        )
        search = {"search": created["feature_flag_key"]}
        flag_id = call("search_live", "GET", f"{p}/feature_flags/", full, params=search)["results"][
            0
        ]["id"]
        flag = f"{p}/feature_flags/{flag_id}/"
        call("patch_linked", "PATCH", flag, full, json={"deleted": True})
        http.delete(f"{p}/web_experiments/{created['id']}/", headers=full)
        call("search_expwrite", "GET", f"{p}/feature_flags/", scoped, params=search)
        call("patch_expwrite", "PATCH", flag, scoped, json={"deleted": True})
        call("delete_flag", "DELETE", flag, full)
        call("search_after_exp_delete", "GET", f"{p}/feature_flags/", full, params=search)
        call("patch", "PATCH", flag, full, json={"deleted": True})
        call("search_after", "GET", f"{p}/feature_flags/", full, params=search)
        call("get_deleted", "GET", flag, full)
        call("patch_again", "PATCH", flag, full, json={"deleted": True})

    recorded_id = RECORDED["steps"][0]["body"]["id"]
    for step in RECORDED["steps"]:
        name = step["step"]
        expected = step["body"]
        if name == "patch_linked":
            detail = expected["detail"].replace(f": {recorded_id}.", f": {created['id']}.")
            expected = {**expected, "detail": detail}
        if name not in got or name == "create":
            continue
        status, body = got[name]
        keep_name = name in ("search_live",)
        assert status == step["status"], name
        assert _normalised(body, keep_name=keep_name) == _normalised(
            expected, keep_name=keep_name
        ), name
