"""Every section the code cites with `§` exists in docs/behaviour.md, which lives in the repo."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "behaviour.md"
SCANNED = ["src", "contract_tests", "parity", "tests", "scripts", "bench"]
CITATION = re.compile(r"§\s?(\d+(?:\.\d+)?)")
HEADING = re.compile(r"^#{2,3} §(\d+(?:\.\d+)?) ", re.MULTILINE)
OUTSIDE_REFERENCE = "posthog-web-experiments-api" + ".md"


def sources() -> list[Path]:
    """Code, tests and their docs, wherever a citation may stand (this file excepted)."""
    found = []
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in {".py", ".md", ".yaml", ".toml"} and path != Path(__file__):
                found.append(path)
    return found


def cited_sections() -> dict[str, list[str]]:
    """Each cited section, with the files that cite it."""
    cited: dict[str, list[str]] = {}
    for path in sources():
        for match in CITATION.finditer(path.read_text(encoding="utf-8")):
            cited.setdefault(match[1], []).append(str(path.relative_to(ROOT)))
    return cited


def test_every_cited_section_is_in_the_behaviour_doc() -> None:
    sections = set(HEADING.findall(DOC.read_text(encoding="utf-8")))
    cited = cited_sections()
    assert cited, "no citations found: the scan is broken"
    missing = {section: files for section, files in cited.items() if section not in sections}
    assert missing == {}


def test_behaviour_doc_sections_are_numbered_in_order() -> None:
    sections = HEADING.findall(DOC.read_text(encoding="utf-8"))
    assert sections[:5] == ["1", "2", "3", "4", "4.1"]
    keys = [tuple(int(part) for part in section.split(".")) for section in sections]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)


def test_citation_scan_finds_a_missing_section(tmp_path: Path) -> None:
    cited = CITATION.findall("see §4.6, §12 and § 3; not §7.")
    assert cited == ["4.6", "12", "3", "7"]


def test_no_file_cites_a_reference_outside_the_repository() -> None:
    citing = [
        str(path.relative_to(ROOT))
        for path in [*sources(), ROOT / "README.md", ROOT / "openapi.yaml"]
        if OUTSIDE_REFERENCE in path.read_text(encoding="utf-8")
    ]
    assert citing == []
