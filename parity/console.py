"""Entry point of `posthog-parity`: the command line, or which extra to install."""

from __future__ import annotations

import sys
from collections.abc import Sequence

# The corpus runs on the contract extra's dependencies (and the mock's, which it includes).
EXTRA_MODULES = frozenset(
    {"requests", "schemathesis", "hypothesis", "starlette", "granian", "orjson"}
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run `posthog-parity`, or say in one line which extra it needs (exit 2)."""
    try:
        from parity.cli import main as cli_main  # noqa: PLC0415
    except ModuleNotFoundError as exc:
        missing = (exc.name or "").partition(".")[0]
        if missing not in EXTRA_MODULES:
            raise
        sys.stderr.write(
            f"posthog-parity: error: parity needs the contract extra ({missing} is not"
            " installed): pip install 'posthog-web-experiments[contract]'\n"
        )
        return 2
    return cli_main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
