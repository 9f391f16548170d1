"""Run the contract suite: `python -m contract_tests [--live] [--seed N] ...`."""

from contract_tests.runner import main

raise SystemExit(main())
