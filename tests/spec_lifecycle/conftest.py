"""Fixtures for the spec lifecycle tests: a loopback server that publishes a schema."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
RECORDING = ROOT / "spec" / "posthog-published" / "web_experiments.yaml"


class PublishedSchema:
    """What the loopback server answers to GET /api/schema/ (status and body), and what it saw."""

    def __init__(self) -> None:
        self.status = 200
        self.body = b""
        self.authorization: list[str | None] = []

    def publish(self, document: Any) -> None:
        """Serve this description as YAML, as PostHog does."""
        self.status = 200
        self.body = yaml.safe_dump(document, sort_keys=False).encode()


def published_document() -> dict[str, Any]:
    """The recording plus a path and a component that are not web experiments, as PostHog's is."""
    document: dict[str, Any] = yaml.safe_load(RECORDING.read_text(encoding="utf-8"))
    document["paths"]["/api/projects/{project_id}/insights/"] = {
        "get": {
            "operationId": "insights_list",
            "responses": {
                "200": {
                    "description": "",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Insight"}}
                    },
                }
            },
        }
    }
    document["components"]["schemas"]["Insight"] = {
        "type": "object",
        "properties": {"id": {"type": "integer"}},
    }
    return document


@pytest.fixture
def schema_server() -> Iterator[tuple[str, PublishedSchema]]:
    """A loopback HTTP server publishing `/api/schema/`; its base URL and what it serves."""
    published = PublishedSchema()
    published.publish(published_document())

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            published.authorization.append(self.headers.get("Authorization"))
            status = published.status if self.path == "/api/schema/" else 404
            body = published.body if status == 200 else b'{"detail": "error"}'
            self.send_response(status)
            self.send_header("Content-Type", "application/vnd.oai.openapi; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", published
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m spec_lifecycle ARGS` from cwd (where it writes reports/)."""
    return subprocess.run(
        [sys.executable, "-m", "spec_lifecycle", *args],
        cwd=cwd,
        env={**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
