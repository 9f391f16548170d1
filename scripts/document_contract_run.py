"""Write the sample run of docs/conformance.md from a real run of `make contract`.

Usage: ``python scripts/document_contract_run.py``. Runs the suite against a fresh embedded mock
with the documented seed (as `make contract CONTRACT_ARGS="--seed ..."` does, in an 80-column
terminal) and replaces the two ``text`` blocks after "`make contract` prints what pytest says"
with what it printed: pytest's part, then the suite's summary. The reports folder is shown as
`reports`. `tests/contract/test_command_line.py` fails when the docs and a run differ.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "conformance.md"
SEED = "1485077655"
MARKER = "`make contract` prints what pytest says"
# The line the suite prints between pytest's output and its own summary.
RULE = "=" * 72


def run() -> str:
    """Run `make contract` with the documented seed; its output, the reports folder as `reports`."""
    with tempfile.TemporaryDirectory() as reports:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("POSTHOG_", "CONTRACT_"))}
        env.pop("PYTEST_ADDOPTS", None)
        env["COLUMNS"] = "80"
        command = [sys.executable, "-m", "contract_tests", "--command-name", "make contract"]
        command += ["--seed", SEED, "--reports-dir", reports]
        done = subprocess.run(
            command, env=env, cwd=REPO, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            sys.exit(f"the run failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
        return done.stdout.replace(reports, "reports")


def main() -> int:
    """Rewrite the docs' two blocks from a fresh run."""
    pytest_part, summary = run().split(f"\n{RULE}\n", 1)
    text = DOC.read_text(encoding="utf-8")
    head, tail = text.split(MARKER, 1)
    blocks = list(re.finditer(r"```text\n.*?```", tail, re.DOTALL))[:2]
    new = [f"```text\n{pytest_part.strip()}\n```", f"```text\n{summary.strip()}\n```"]
    for block, replacement in reversed(list(zip(blocks, new, strict=True))):
        tail = tail[: block.start()] + replacement + tail[block.end() :]
    DOC.write_text(head + MARKER + tail, encoding="utf-8")
    print(f"{DOC.relative_to(REPO)}: sample run of seed {SEED} written")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
