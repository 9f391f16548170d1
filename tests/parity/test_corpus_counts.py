"""The corpus' size, as the README and docs/parity.md state it, is the registry's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from parity.corpus import SCENARIOS
from parity.replay import areas_table, with_section

ROOT = Path(__file__).resolve().parents[2]
CLAIM = re.compile(r"(\d[\d,]*) scenarios \((\d[\d,]*) steps, (\d[\d,]*) requests\)")


def corpus_size() -> tuple[int, int, int]:
    """Scenarios, steps and requests (a repeated step counts each time) of the corpus."""
    steps = [step for scenario in SCENARIOS for step in scenario.steps]
    return len(SCENARIOS), len(steps), sum(step.repeat for step in steps)


@pytest.mark.parametrize("document", ["README.md", "docs/parity.md"])
def test_documents_state_the_corpus_size_of_the_registry(document: str) -> None:
    text = " ".join((ROOT / document).read_text(encoding="utf-8").split())

    claims = [tuple(int(n.replace(",", "")) for n in m.groups()) for m in CLAIM.finditer(text)]

    assert claims, f"{document} states no corpus size"
    assert set(claims) == {corpus_size()}


def test_parity_doc_corpus_table_is_generated_from_the_registry() -> None:
    text = (ROOT / "docs" / "parity.md").read_text(encoding="utf-8")

    assert with_section(text, "parity:areas", areas_table()) == text
