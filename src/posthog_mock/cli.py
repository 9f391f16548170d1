"""Command line: `python -m posthog_mock [--host] [--port] [--db] [--config] [--fault]...`."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from posthog_mock.config import (
    ConfigError,
    MockConfig,
    default_config,
    load_config,
    parse_faults,
)
from posthog_mock.faults import FaultSpec
from posthog_mock.profiles import CHANGES_BY_ID, version_help
from posthog_mock.seeding import SeedError, load_seed_file
from posthog_mock.seeding import validate as validate_seeds
from posthog_mock.server import StartupError, check_database, check_port, serve
from posthog_mock.storage import StorageError

DEFAULT_DB: Final = Path(".mock") / "posthog_mock.sqlite3"


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser of `python -m posthog_mock`."""
    parser = argparse.ArgumentParser(
        prog="python -m posthog_mock",
        description="A faithful, persistent stand-in for PostHog's web experiments API.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8010, help="port to listen on (8010)")
    parser.add_argument(
        "--db", default=str(DEFAULT_DB), help=f"SQLite file or :memory: ({DEFAULT_DB})"
    )
    parser.add_argument("--config", type=Path, help="TOML file with projects, keys and limits")
    parser.add_argument(
        "--posthog-version",
        metavar="VERSION",
        help=version_help(),
    )
    parser.add_argument(
        "--strict",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="answer 400 with a clear error where PostHog answers 500 (not a PostHog version)",
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="JSON",
        help='a fault rule, as POST /_mock/faults takes it, e.g. \'{"kind": "status", "status":'
        " 503, \"times\": 2}' (repeatable; added after the config file's [[faults]])",
    )
    parser.add_argument(
        "--seed-file",
        type=Path,
        metavar="PATH",
        help="experiments to store into an empty database at start and after each reset: JSON"
        ' (a list, or {"experiments": [...]}) or TOML ([[experiments]]), checked like a create',
    )
    parser.add_argument(
        "--reset",
        action="store_true",
        help="empty the mock already serving on --host/--port (POST /_mock/reset) and exit",
    )
    parser.add_argument(
        "--journal-size",
        type=int,
        metavar="N",
        help="how many requests GET /_mock/requests keeps (default 1000, or the config's)",
    )
    return parser


def with_cli_options(config: MockConfig, faults: list[str], journal_size: int | None) -> MockConfig:
    """Add the `--fault` rules and apply `--journal-size` to the loaded configuration."""
    specs: list[FaultSpec] = []
    for index, text in enumerate(faults):
        try:
            raw = json.loads(text)
        except ValueError as exc:
            raise ConfigError(f"--fault #{index + 1} is not JSON: {exc}") from None
        specs.extend(parse_faults(raw if isinstance(raw, list) else [raw], f"--fault #{index + 1}"))
    if journal_size is not None and journal_size < 0:
        raise ConfigError("--journal-size must be a non-negative integer")
    return dataclasses.replace(
        config,
        faults=(*config.faults, *specs),
        journal_size=config.journal_size if journal_size is None else journal_size,
    )


def banner(config: MockConfig, host: str, port: int, db: str) -> str:
    """Describe the running server: its URL, projects and usable keys."""
    shown_host = f"[{host}]" if ":" in host else host
    lines = [
        f"posthog_mock listening on http://{shown_host}:{port}",
        f"  database: {db}",
        f"  config:   {config.source}",
        f"  rate limit: {'on (480/minute, 4800/hour per key)' if config.rate_limit else 'off'}",
        f"  PostHog version: {config.posthog_version}"
        f" ({len(config.profile.changes)} of {len(CHANGES_BY_ID)} later changes)"
        + ("; strict: 400 where PostHog answers 500" if config.strict else ""),
        "  projects: " + ", ".join(str(p.id) for p in config.projects),
    ]
    for spec in config.faults:
        lines.append(f"  fault: {json.dumps(spec.to_json())}")
    if config.seed:
        lines.append(f"  seeded experiments: {len(config.seed)} (into an empty database)")
    if not config.keys:
        lines.append("  no API keys configured: every API request will answer 401")
    for key in config.keys:
        projects = "all" if key.projects is None else ", ".join(map(str, sorted(key.projects)))
        scopes = ", ".join(sorted(key.scopes)) or "none"
        lines.append(
            f"  API key: {key.value}  (scopes: {scopes}; projects: {projects};"
            f" @current = {key.current_project})"
        )
    lines += export_lines(config, host, port)
    return "\n".join(lines)


def local_url(host: str, port: int) -> str:
    """Return the URL a client on this machine reaches the server at (loopback for any address)."""
    shown = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)  # noqa: S104
    return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"


def reset_running(host: str, port: int) -> int:
    """Empty the mock serving on host:port; say so in one line. The exit code."""
    import httpx  # noqa: PLC0415  (the SDK's dependency; only this option needs it)

    url = local_url(host, port)
    try:
        httpx.post(f"{url}/_mock/reset", timeout=10).raise_for_status()
    except httpx.HTTPError as exc:
        sys.stderr.write(f"posthog_mock: error: cannot reset the mock at {url}: {exc}\n")
        return 1
    sys.stdout.write(f"posthog_mock at {url} reset: no experiments, flags, faults or journal\n")
    return 0


def export_lines(config: MockConfig, host: str, port: int) -> list[str]:
    """Shell lines that point the SDK's `from_env()` and `posthog-contract` at this server.

    The key is the first one that may write experiments (else the first one), the project its
    `@current` one; a server listening on every address is reached on loopback.
    """
    if not config.keys:
        return []
    key = next((k for k in config.keys if k.has_scope("experiment:write")), config.keys[0])
    return [
        "Point the SDK (from_env()) and posthog-contract --live --own-server at it:",
        f"export POSTHOG_HOST={local_url(host, port)}",
        f"export POSTHOG_PERSONAL_API_KEY={shlex.quote(key.value)}",
        f"export POSTHOG_PROJECT_ID={key.current_project}",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, run the pre-flight checks and serve until a signal arrives."""
    args = build_parser().parse_args(argv)
    if args.reset:
        return reset_running(args.host, args.port)
    try:
        if not 0 < args.port < 65536:
            raise StartupError(f"invalid port {args.port}")
        config = default_config() if args.config is None else load_config(args.config)
        if args.posthog_version is not None:
            config = dataclasses.replace(config, posthog_version=args.posthog_version)
        if args.strict is not None:
            config = dataclasses.replace(config, strict=args.strict)
        config = with_cli_options(config, args.fault, args.journal_size)
        if args.seed_file is not None:
            config = dataclasses.replace(
                config, seed=(*config.seed, *load_seed_file(args.seed_file))
            )
        validate_seeds(config.seed, config)
        check_database(args.db)
        check_port(args.host, args.port)
    except (ConfigError, StorageError, StartupError, SeedError) as exc:
        sys.stderr.write(f"posthog_mock: error: {exc}\n")
        return 2
    sys.stdout.write(banner(config, args.host, args.port, args.db) + "\n")
    sys.stdout.flush()
    with contextlib.suppress(KeyboardInterrupt):
        serve(config, args.host, args.port, args.db)
    sys.stdout.write("posthog_mock stopped\n")
    return 0
