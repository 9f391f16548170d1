"""Console scripts that name their missing extra in one line (exit 2) instead of a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

# What the `contract` extra installs (it includes the `mock` extra): the live tools, the suite
# and parity run on these.
CONTRACT_EXTRA_MODULES = frozenset(
    {"schemathesis", "hypothesis", "pytest", "requests", "yaml", "starlette", "granian", "orjson"}
)
INSTALL_CONTRACT = "pip install 'posthog-web-experiments[contract]'"


def run_with_extra(
    prog: str, what: str, load: Callable[[], Callable[[], int]], modules: frozenset[str]
) -> int:
    """Load a command with `load()` and run it; without its extra, say which in one line (2).

    `what` names the tool and its verb ("the contract suite needs"); a module missing that is not
    one of the extra's `modules` is a real error and is raised.
    """
    try:
        command = load()
    except ModuleNotFoundError as exc:
        missing = (exc.name or "").partition(".")[0]
        if missing not in modules:
            raise
        sys.stderr.write(
            f"{prog}: error: {what} the contract extra ({missing} is not installed):"
            f" {INSTALL_CONTRACT}\n"
        )
        return 2
    return command()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `posthog-live`: the clean-up command, or which extra to install."""

    def load() -> Callable[[], int]:
        from live_road.__main__ import main as live_main  # noqa: PLC0415

        return lambda: live_main(argv)

    return run_with_extra("posthog-live", "the live tools need", load, CONTRACT_EXTRA_MODULES)


if __name__ == "__main__":
    raise SystemExit(main())
