"""Run the contract suite: `posthog-contract` or `python -m contract_tests [--live] ...`."""

from contract_tests.runner import main

if __name__ == "__main__":
    raise SystemExit(main())
