"""Parity with the real PostHog: a scenario corpus, recorded snapshots and a side-by-side diff.

The pieces are small and reusable on their own, so any pair of servers and any traffic (the
hand-written corpus here, or generated requests) can go through the same path:

- `model`: `Scenario` and `Step` (method, path template, key role, headers, body);
  templates refer to projects (`{project.main}`), keys (`{key.read}`) and earlier steps'
  results (`{create.id}`).
- `targets`: `ParityTarget`, a server named by its base URL, its keys by role and its projects
  by role (`from_environment` for a live PostHog, `mock_target` for a fresh mock).
- `executor`: `Executor` renders steps for a target and sends them through a `requests` session
  (for live servers, one over the live road's transport, `live_road`, under a live-guarded or
  own-server policy); `Exchange` is one request and its response, less deployment-only headers.
- `transformers`: named normalisers (`host`, `project_ids`, `experiment_ids`, `flag_key_suffix`,
  `timestamps`, `throttle_wait`, `allow_set_order`) that turn an exchange into stable JSON.
- `diff`: `diff_values` gives every differing path of two JSON values (`Difference`).
- `snapshots`: one file per scenario in `parity/snapshots/`, with what it was recorded against.
- `replay`: the recordings replayed on each mock profile; the generated changes table of
  `2026-05` and the coverage (`parity/coverage.json`).
- `corpus`: the scenarios, one module (or family sample) per area; `cli`:
  `python -m parity list|record|live|tables` (installed as `posthog-parity`).
"""
