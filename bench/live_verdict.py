"""`posthog-parity live` gives the same verdict on an empty project and on a full one.

Runs `python -m parity live` (the whole corpus, or the scenarios named) against POSTHOG_HOST /
POSTHOG_PROJECT_ID while the project is empty, then seeds `--foreign` experiments the run did
not create (directly, with the all-scopes key), runs it again, and prints both verdict lines and
differing-step counts. The seeded experiments are deleted afterwards and their flags
soft-deleted, so the project holds what it held before.

    source oracle-env.txt
    python bench/live_verdict.py --foreign 100

The runs keep their journal in the log folder (`reports/live-verdict/reports/`), so another
live tool may run meanwhile on another project.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent


def parity_live(scenarios: list[str], log: Path) -> tuple[int, str, float]:
    """One run of `python -m parity live` (its journal in the log folder): code, last lines, s."""
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "-m", "parity", "live", *scenarios],
        cwd=log.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    output = completed.stdout + completed.stderr
    log.write_text(output, encoding="utf-8")
    lines = [line for line in completed.stdout.splitlines() if line.strip()]
    verdict = " | ".join(lines[-2:]) if lines else "(no output)"
    return completed.returncode, verdict, time.monotonic() - started


def main() -> int:
    """Measure both verdicts; print them."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--foreign", type=int, default=100)
    parser.add_argument(
        "--no-empty-run", action="store_true", help="only the run on a full project"
    )
    parser.add_argument("scenarios", nargs="*")
    parser.add_argument("--logs", type=Path, default=REPO / "reports" / "live-verdict")
    args = parser.parse_args()
    host = os.environ["POSTHOG_HOST"].rstrip("/")
    project = os.environ["POSTHOG_PROJECT_ID"]
    headers = {"Authorization": f"Bearer {os.environ['POSTHOG_PERSONAL_API_KEY']}"}
    collection = f"{host}/api/projects/{project}/web_experiments/"
    args.logs.mkdir(parents=True, exist_ok=True)
    held = requests.get(collection, headers=headers, timeout=60).json()["count"]
    print(f"project {project} holds {held} experiment(s) before", flush=True)
    empty = (0, "", 0.0)
    if not args.no_empty_run:
        empty = parity_live(args.scenarios, args.logs / "empty.log")
        print(f"held {held}: exit {empty[0]}, {empty[2]:.0f} s: {empty[1]}", flush=True)
    seeded: list[dict[str, object]] = []
    try:
        for index in range(args.foreign):
            body = {
                "name": f"foreign experiment {index}",
                "variants": {"control": {"rollout_percentage": 100}},
            }
            answer = requests.post(collection, json=body, headers=headers, timeout=60)
            answer.raise_for_status()
            seeded.append(answer.json())
        count = requests.get(collection, headers=headers, timeout=60).json()["count"]
        full = parity_live(args.scenarios, args.logs / "full.log")
        print(f"held {count}: exit {full[0]}, {full[2]:.0f} s: {full[1]}", flush=True)
        after = requests.get(collection, headers=headers, timeout=60).json()["count"]
        print(f"after the run the project holds {after} (the {count} seeded and held)")
    finally:
        flags = f"{host}/api/projects/{project}/feature_flags/"
        for experiment in seeded:
            requests.delete(f"{collection}{experiment['id']}/", headers=headers, timeout=60)
            found = requests.get(
                flags,
                params={"search": str(experiment["feature_flag_key"])},
                headers=headers,
                timeout=60,
            ).json()["results"]
            for flag in found:
                if flag["key"] == experiment["feature_flag_key"]:
                    requests.patch(
                        f"{flags}{flag['id']}/", json={"deleted": True}, headers=headers, timeout=60
                    )
    same = empty[0] == full[0] and empty[1].rsplit(" | ", 1)[-1] == full[1].rsplit(" | ", 1)[-1]
    print(f"same verdict: {same}")
    return 0 if empty[0] == full[0] else 1


if __name__ == "__main__":
    raise SystemExit(main())
