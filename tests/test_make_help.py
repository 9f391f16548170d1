"""`make help`: the targets for using the project, then those for maintaining it; one CI."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
USER_TARGETS = {"help", "install", "test", "check", "contract", "contract-live", "mock"}


def test_help_groups_targets_and_only_check_claims_to_be_ci() -> None:
    shown = subprocess.run(
        ["make", "--no-print-directory", "help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    using, maintaining = shown.split("Maintaining it:\n")

    assert using.startswith("Using the project:\n")
    users = {line.split()[0] for line in using.splitlines()[1:]}
    maintainers = {line.split()[0] for line in maintaining.splitlines()}
    assert users >= USER_TARGETS
    assert not users & maintainers
    declared = set(re.findall(r"^([a-z-]+):", (ROOT / "Makefile").read_text(), re.MULTILINE))
    assert users | maintainers == declared
    assert [line.split()[0] for line in shown.splitlines() if "CI" in line] == ["check"]
