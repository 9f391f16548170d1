"""Derive the sync client from the async one (unasync), or check that the derived files are current.

Usage: ``python scripts/derive_sync.py generate|check``. Every file in
``src/posthog_web_experiments/_async/`` becomes its twin in ``_sync/``: ``async``/``await`` are
dropped and the names below replaced, then ruff sorts imports and formats, as ``make format``
would. ``check`` exits 1 and names each file whose committed twin differs.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import unasync

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "posthog_web_experiments"
ASYNC_DIR = PACKAGE / "_async"
SYNC_DIR = PACKAGE / "_sync"
HEADER = "# Derived from _async/{name} by scripts/derive_sync.py (make sync-client): do not edit.\n"
# Async names and their sync twins, beyond unasync's own (__aenter__, AsyncIterator, ...).
REPLACEMENTS = {
    "AsyncPostHogWebExperiments": "PostHogWebExperiments",
    "AsyncClient": "Client",
    "AsyncViaClient": "ViaClient",
    "AsyncSleep": "Sleep",
    "AsyncPageFetcher": "PageFetcher",
    "AsyncRawCalls": "RawCalls",
    "aclose": "close",
    "anyio": "time",
    "set_async_httpx_client": "set_httpx_client",
}


def derive(workdir: Path) -> dict[str, str]:
    """Unasync every file of ``_async/`` inside ``workdir``; return the sync sources by name."""
    source_dir = workdir / "_async"
    shutil.copytree(ASYNC_DIR, source_dir, ignore=shutil.ignore_patterns("__pycache__"))
    sources = sorted(str(path) for path in source_dir.glob("*.py") if path.name != "__init__.py")
    rule = unasync.Rule("/_async/", "/_sync/", additional_replacements=REPLACEMENTS)
    unasync.unasync_files(sources, rules=[rule])
    derived = {}
    for path in sorted((workdir / "_sync").glob("*.py")):
        text = HEADER.format(name=path.name) + path.read_text(encoding="utf-8")
        derived[path.name] = _ruff(text, PACKAGE / "_sync" / path.name)
    return derived


def _ruff(text: str, as_path: Path) -> str:
    """Sort imports and format ``text`` with the repository's ruff settings, as ``as_path``."""
    ruff = str(Path(sys.executable).parent / "ruff")
    for command in (
        # Imports move (anyio -> time), a noqa for async-only rules and a loop that a sync
        # generator writes as `yield from` become stale: let ruff fix exactly those.
        [ruff, "check", "--fix-only", "--unsafe-fixes"],
        [ruff, "format"],
    ):
        text = subprocess.run(
            [*command, "--stdin-filename", str(as_path), "-"],
            input=text,
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout
    return text


def main(argv: list[str] | None = None) -> int:
    """Run ``generate`` or ``check``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["generate", "check"])
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        derived = derive(Path(tmp))
    if args.command == "generate":
        for name, text in derived.items():
            (SYNC_DIR / name).write_text(text, encoding="utf-8")
        print(f"wrote {', '.join(sorted(derived))} in {SYNC_DIR.relative_to(ROOT)}")
        return 0
    stale = [
        name
        for name, text in derived.items()
        if not (SYNC_DIR / name).exists() or (SYNC_DIR / name).read_text(encoding="utf-8") != text
    ]
    expected = {*derived, "__init__.py"}
    extra = sorted(p.name for p in SYNC_DIR.glob("*.py") if p.name not in expected)
    for name in stale:
        where = SYNC_DIR.relative_to(ROOT) / name
        print(f"{where} is not derived from _async/{name}: run make sync-client")
    for name in extra:
        print(f"{SYNC_DIR.relative_to(ROOT)}/{name} has no source in _async/: delete it")
    return 1 if stale or extra else 0


if __name__ == "__main__":
    raise SystemExit(main())
