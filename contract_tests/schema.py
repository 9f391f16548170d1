"""Load openapi.yaml with the suite's schemathesis configuration; no schemathesis.toml involved."""

from __future__ import annotations

import schemathesis
from schemathesis.config import ReportFormat
from schemathesis.schemas import BaseSchema

from contract_tests import hooks
from contract_tests.exclusions import operations_config
from contract_tests.settings import SPEC_PATH, SuiteSettings

PHASES = ("examples", "coverage", "fuzzing", "stateful")


def schema_config(settings: SuiteSettings) -> schemathesis.Config:
    """The configuration of one run: target, seed, budget, all phases and checks, exclusions."""
    return schemathesis.Config.from_dict(
        {
            "seed": settings.seed,
            "base-url": settings.base_url,
            "headers": {"Authorization": f"Bearer {settings.api_key}"},
            "generation": {
                "mode": "all",
                "max-examples": settings.max_examples,
                "database": "none",
                "allow-x00": False,
            },
            "phases": {phase: {"enabled": True} for phase in PHASES},
            "checks": {"enabled": True},
            "operations": operations_config(),
        }
    )


def load_schema(settings: SuiteSettings) -> BaseSchema:
    """openapi.yaml, configured for `settings`, with the suite's hooks and an HTML report."""
    schema = schemathesis.openapi.from_path(SPEC_PATH, config=schema_config(settings))
    schema.config.reports.update(
        formats=[ReportFormat.HTML], html_path=str(settings.reports_dir / "schemathesis-html")
    )
    hooks.install(schema)
    return schema
