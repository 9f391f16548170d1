"""Schemathesis-generated requests (valid and invalid) against the strict mock: never a 5xx."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import settings
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.schemas import OpenApiSchema

from posthog_mock.testing import MockServer

OPENAPI = Path(__file__).resolve().parents[2] / "openapi.yaml"


@pytest.fixture
def api_schema(strict_server: MockServer) -> OpenApiSchema:
    schema = schemathesis.openapi.from_path(OPENAPI)
    schema.config.update(
        base_url=strict_server.base_url,
        headers={"Authorization": f"Bearer {strict_server.api_key}"},
    )
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], database="none"
    )
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=25, deadline=None, database=None, derandomize=True)
def test_generated_requests_never_get_a_server_error(case: Case[Any]) -> None:
    case.call_and_validate(checks=[not_a_server_error])
