"""Regenerate the SDK in generated/ from openapi.yaml, or check that the committed tree is current.

Usage: ``python scripts/regenerate.py generate|check [--root DIR]``. Both commands validate the
spec first and generate into an empty temporary folder, so a failure never touches generated/.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

SPEC = "openapi.yaml"
CONFIG = "generator-config.yml"
OUTPUT = "generated"
# Caches that tools write beside the code; never part of the committed tree.
CACHE_DIRS = ["__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"]


class RegenerationError(Exception):
    """The spec is invalid or the generator failed; the message says why."""


def validate_spec(spec: Path) -> None:
    """Raise RegenerationError with the validator's message when the spec is not valid OpenAPI."""
    try:
        spec_dict, base_uri = read_from_filename(str(spec))
        validate(spec_dict, base_uri=base_uri)
    except Exception as exc:  # the validator raises several unrelated types
        raise RegenerationError(f"{spec} is not a valid OpenAPI document:\n{exc}") from exc


def generate_into(root: Path, destination: Path) -> None:
    """Run openapi-python-client on root's spec and config, writing a fresh tree to destination."""
    validate_spec(root / SPEC)
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = [
        str(bin_dir / "openapi-python-client"),
        "generate",
        "--path",
        str(root / SPEC),
        "--config",
        str(root / CONFIG),
        "--meta",
        "uv",
        "--output-path",
        str(destination),
        "--fail-on-warning",
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    # A failing post-hook still writes files, so "client was not created" must count as failure.
    if result.returncode != 0 or "was not created" in result.stdout + result.stderr:
        raise RegenerationError(
            f"openapi-python-client failed:\n{result.stdout}{result.stderr}".rstrip()
        )


def tree_differences(expected: Path, actual: Path) -> list[str]:
    """List files that are missing, extra or different in actual compared with expected."""
    problems: list[str] = []
    comparison = filecmp.dircmp(expected, actual, ignore=CACHE_DIRS)
    stack = [(comparison, Path())]
    while stack:
        node, relative = stack.pop()
        problems += [f"missing: {relative / name}" for name in node.left_only]
        problems += [f"not generated: {relative / name}" for name in node.right_only]
        problems += [f"type differs: {relative / name}" for name in node.common_funny]
        for name in node.common_files:
            if not filecmp.cmp(Path(node.left) / name, Path(node.right) / name, shallow=False):
                problems.append(f"differs: {relative / name}")
        stack += [(sub, relative / name) for name, sub in node.subdirs.items()]
    return sorted(problems)


def generate(root: Path) -> None:
    """Replace root/generated with a fresh generation, leaving it untouched on any failure."""
    with tempfile.TemporaryDirectory(prefix="regenerate-") as scratch:
        fresh = Path(scratch) / OUTPUT
        generate_into(root, fresh)
        target = root / OUTPUT
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(fresh, target)


def check(root: Path) -> list[str]:
    """Return the differences between root/generated and what the generator produces now."""
    with tempfile.TemporaryDirectory(prefix="regenerate-") as scratch:
        fresh = Path(scratch) / OUTPUT
        generate_into(root, fresh)
        committed = root / OUTPUT
        if not committed.is_dir():
            return [f"missing: {OUTPUT}/ does not exist"]
        return tree_differences(fresh, committed)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["generate", "check"])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="repository root")
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()
    try:
        if args.command == "generate":
            generate(root)
            print(f"Regenerated {OUTPUT}/ from {SPEC}.")
            return 0
        problems = check(root)
    except RegenerationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if problems:
        print(f"{OUTPUT}/ is out of date with {SPEC} / {CONFIG}:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        print("Run `make generate` and commit the result.", file=sys.stderr)
        return 1
    print(f"{OUTPUT}/ matches {SPEC}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
