"""Fixtures for the extraction tests: the demo registry and the shared scoring tool.

The scorer and the example notice live in the `shared/` directory that CI puts beside the
repository checkout; a git worktree sits one level deeper, so its ancestors are searched
too. TRACKER_SHARED_DIR overrides. A missing `shared/` fails the tests loudly: the example
notice's score is the acceptance test of the engine and must never be skipped silently.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.extraction import Registry

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLES = Path(__file__).resolve().parent / "samples"
SCORER = Path("tools") / "score_extraction.py"


def find_shared_dir() -> Path | None:
    """Return the shared/ directory holding tools/score_extraction.py, if any."""
    override = os.environ.get("TRACKER_SHARED_DIR")
    if override:
        return Path(override) if (Path(override) / SCORER).is_file() else None
    candidates = [REPO_ROOT / ".." / "shared"]
    candidates += [parent / "shared" for parent in REPO_ROOT.parents]
    for candidate in candidates:
        if (candidate / SCORER).is_file():
            return candidate.resolve()
    return None


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    found = find_shared_dir()
    if found is None:
        pytest.fail(
            f"shared/ with {SCORER} not found beside {REPO_ROOT} (or set TRACKER_SHARED_DIR); "
            "CI must place the shared directory beside the checkout",
            pytrace=False,
        )
    return found


@pytest.fixture(scope="session")
def registry() -> Registry:
    return Registry.from_csv(REPO_ROOT / "tracker" / "demo" / "agencies.csv")


class Score:
    """The scorer's verdict: F1 and its full report (misses and extras, for messages)."""

    def __init__(self, f1: float, report: str) -> None:
        self.f1 = f1
        self.report = report


@pytest.fixture(scope="session")
def score(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """Run score_extraction.py on an extraction result against an answer key."""
    scorer = shared_dir / SCORER
    folder = tmp_path_factory.mktemp("scores")

    def run(expected: Path, result: dict, *, all_items: bool = False) -> Score:
        result_path = folder / f"{expected.stem}.{'all' if all_items else 'main'}.json"
        result_path.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        args = [sys.executable, str(scorer), str(expected), str(result_path)]
        if all_items:
            args.append("--all")
        done = subprocess.run(args, capture_output=True, text=True, check=True, timeout=60)
        match = re.search(r"F1 ([0-9.]+)\s*$", done.stdout)
        assert match, done.stdout + done.stderr
        return Score(float(match.group(1)), done.stdout)

    return run
