"""Parity with the real PostHog: a scenario corpus, recorded snapshots and a side-by-side diff.

The pieces are small and reusable on their own, so any pair of servers and any traffic (the
hand-written corpus here, or generated requests) can go through the same path:

- `model`: `Scenario` and `Step` (method, path template, key role, headers, body, overrides);
  templates refer to projects (`{project.main}`), keys (`{key.read}`) and earlier steps'
  results (`{create.id}`).
- `targets`: `ParityTarget`, a server named by its base URL, its keys by role and its projects
  by role (`from_environment` for a live PostHog, `mock_target` for a fresh mock).
- `executor`: `Executor` renders steps for a target and sends them through a `requests` session
  (a live-safe `contract_tests.guard.GuardedSession` for live servers); `Exchange` is one
  request and the response parts that matter.
- `transformers`: named normalisers (`host`, `project_ids`, `experiment_ids`, `flag_key_suffix`,
  `timestamps`, `throttle_wait`) that turn an exchange into stable, comparable JSON.
- `diff`: `diff_values` gives every differing path of two JSON values (`Difference`).
- `snapshots`: one file per scenario in `parity/snapshots/`, with what it was recorded against and
  its explicit overrides; `compare_with_snapshot` applies the overrides and diffs.
- `corpus`: the scenarios, one module per area; `record` and `live`: the two command lines
  (`python -m parity record|live|list`).
"""
