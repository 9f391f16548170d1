"""The mock README's table of mock-only endpoints: one row per route, naming what it answers."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from posthog_mock.testing import MockServer
from posthog_mock.urls import ROUTES

README = Path(__file__).resolve().parents[2] / "src" / "posthog_mock" / "README.md"


def table_rows() -> list[tuple[str, str]]:
    """(method and path, what) of each row of the mock-only endpoints table."""
    section = README.read_text(encoding="utf-8").split("## Mock-only endpoints", 1)[1]
    table = section.split("\n\n", 2)[1]
    rows = [line.split(" | ", 1) for line in table.splitlines()[2:]]
    return [(head.removeprefix("| "), what.removesuffix(" |")) for head, what in rows]


def test_each_mock_endpoint_has_exactly_one_row() -> None:
    heads = [head for head, _ in table_rows()]

    assert len(heads) == len(set(heads))
    documented = {
        (method, re.sub(r"\[.*\]", "", path.strip("`")).rstrip("/"))
        for head in heads
        for part in head.split(", ")
        for method, path in [part.strip("`").split(" ", 1)]
    }
    routed = {
        (method, path)
        for route in ROUTES
        if route.pattern.pattern.startswith("/_mock/")
        for path in [_path(route.pattern.pattern)]
        for method in ("GET", "POST", "DELETE")
        if route.allow is not None and method.encode() in route.allow
    }
    assert documented == routed


def _path(pattern: str) -> str:
    """A route's regex as the table writes its path: `{name}` for a group."""
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: "{" + m.group(1) + "}", pattern)
    path = path.removesuffix("/?").replace("\\", "")
    return re.sub(r"\{(project|fault|stub)_id\}", "{id}", path)


def test_config_row_names_every_field_the_endpoint_answers(tmp_path: Path) -> None:
    (what,) = [what for head, what in table_rows() if head == "`GET /_mock/config`"]
    with MockServer.start(db_path=tmp_path / "db.sqlite3", in_process=True) as server:
        answered = httpx.get(f"{server.base_url}/_mock/config").json()

    assert set(re.findall(r"`(\w+)`", what)) >= set(answered)
