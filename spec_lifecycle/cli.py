"""Command line: `python -m spec_lifecycle drift | drift-record | watch | compat | release`."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from spec_lifecycle import compat, drift, release, watch
from spec_lifecycle.optic import OpticError
from spec_lifecycle.published import HTTP_METHODS, PublishedSchemaError

RECORDED_AGAINST_VARIABLE = "DRIFT_RECORDED_AGAINST"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m spec_lifecycle", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("drift", "diff PostHog's published schema (POSTHOG_HOST) against the recording"),
        ("drift-record", "record PostHog's published schema (POSTHOG_HOST), trimmed, in spec/"),
        ("watch", "drift, then `python -m parity live`, one report per operation"),
    ):
        command = sub.add_parser(name, help=text)
        command.add_argument(
            "--schema-file", type=Path, help="read the published description from a file instead"
        )
        command.add_argument(
            "--recording", type=Path, default=drift.RECORDING, help="the recorded copy"
        )
    sub.choices["watch"].add_argument(
        "--parity-args", default="", help="arguments for `python -m parity live`, as one string"
    )
    gate = sub.add_parser("compat", help="openapi.yaml against the last kept release's spec")
    gate.add_argument("--spec", type=Path, default=compat.SPEC)
    gate.add_argument("--releases", type=Path, default=compat.RELEASES)
    gate.add_argument("--changelog", type=Path, default=compat.CHANGELOG)
    rel = sub.add_parser("release", help="check, keep the spec, build, smoke-test, commit, tag")
    rel.add_argument("--skip-tag", action="store_true", help="do everything but the git tag")
    rel.add_argument("--skip-checks", action="store_true", help="leave `make check` out")
    return parser


def _host_and_key() -> tuple[str | None, str | None]:
    return os.environ.get("POSTHOG_HOST") or None, os.environ.get(
        "POSTHOG_PERSONAL_API_KEY"
    ) or None


def _operations(recording: Path) -> list[str]:
    """List `METHOD /path/` of every operation in the recording."""
    document: Any = yaml.safe_load(recording.read_text(encoding="utf-8"))
    return [
        f"{method.upper()} {path}"
        for path, item in document.get("paths", {}).items()
        for method in HTTP_METHODS
        if method in item
    ]


def _drift(args: argparse.Namespace) -> drift.DriftReport:
    host, key = _host_and_key()
    document, source = drift.load_source(host, args.schema_file, key)
    report = drift.check(document, source, args.recording)
    drift.write_report(report)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m spec_lifecycle`."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "drift":
            report = _drift(args)
            print(report.summary())
            print(f"report: {drift.REPORT_JSON} (summary: {drift.REPORT_TEXT})")
            return 1 if report.changed else 0
        if args.command == "drift-record":
            host, key = _host_and_key()
            document, source = drift.load_source(host, args.schema_file, key)
            against = os.environ.get(RECORDED_AGAINST_VARIABLE) or "server version not given"
            written = drift.record(document, source, against, args.recording)
            print(f"recorded {source} into {written}")
            return 0
        if args.command == "watch":
            drift_report: drift.DriftReport | None = None
            drift_error: str | None = None
            try:
                drift_report = _drift(args)
                print(drift_report.summary(), flush=True)
            except (ValueError, OSError, OpticError, PublishedSchemaError) as exc:
                drift_error = str(exc)
                print(f"error: drift: {exc}", file=sys.stderr, flush=True)
            outcome = watch.run_parity(shlex.split(args.parity_args))
            combined = watch.combine(
                drift_report, drift_error, outcome, _operations(args.recording)
            )
            watch.write_report(combined)
            print("\n" + watch.summary(combined))
            print(f"report: {watch.REPORT_JSON}")
            return watch.exit_code(drift_report, outcome)
        if args.command == "compat":
            gate = compat.compare(args.spec, releases=args.releases, changelog=args.changelog)
            compat.write_report(gate)
            print(gate.summary())
            return 0 if gate.passed else 1
        return release.release(skip_tag=args.skip_tag, skip_checks=args.skip_checks)
    except (
        ValueError,
        OSError,
        OpticError,
        PublishedSchemaError,
        compat.CompatError,
        release.ReleaseError,
    ) as exc:
        print(f"error: {args.command}: {exc}", file=sys.stderr)
        return 2
