"""Entry point of `posthog-mock` and `python -m posthog_mock`."""

from __future__ import annotations

import sys
from collections.abc import Sequence

# The server's own dependencies, installed by the `mock` extra.
SERVER_MODULES = frozenset({"starlette", "granian", "orjson"})


def main(argv: Sequence[str] | None = None) -> int:
    """Run the mock's command line, or say which extra to install when the server cannot load."""
    try:
        from posthog_mock.cli import main as cli_main  # noqa: PLC0415
    except ModuleNotFoundError as exc:
        missing = (exc.name or "").partition(".")[0]
        if missing not in SERVER_MODULES:
            raise
        sys.stderr.write(
            f"posthog-mock: error: the mock server needs the mock extra ({missing} is not"
            " installed): pip install 'posthog-web-experiments[mock]'\n"
        )
        return 2
    return cli_main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
