"""The extractor on real notices it was not written for: micro-F1 over whole corpora.

Two corpora are scored, each text against its hand-made answer key with the corpus's own
agency registry: the repository's copy (tests/extraction/corpus/, which grows) and the
shared development corpus (../shared/examples/directives/corpus/, which CI puts beside the
checkout; missing, the test fails loudly). Pairs are counted exactly as
../shared/tools/score_extraction.py counts them (its functions are imported, not copied):
(agency, cadence) for recurring tasks, (agency, due) for dated ones, collective and "hard"
entries left out, and the extractor's collective or hard pairs neither rewarded nor punished.
The counts of all files are added up (micro-average), printed per document, and the F1 may
not fall below FLOOR — a floor that only goes up as the engine learns.
"""

from __future__ import annotations

import importlib.util
import json
import time
from pathlib import Path

import pytest

from tracker.extraction import Registry, extract, read_document

#: The level reached over both corpora together (micro-F1, rounded down to 0.01): 0.923 with
#: the 40 documents of the grown local corpus (0.911 alone) and the shared twelve (0.977).
#: Raise it, never lower it.
FLOOR = 0.92
#: The shared development corpus alone, which the engine was tuned on (0.977).
SHARED_FLOOR = 0.97
#: Reading one notice must stay interactive (the issue's bar is 100 ms).
MAX_MS_PER_NOTICE = (
    400  # CPU time, generous for a slow CI machine; docs/benchmarks.md has the figure
)

HERE = Path(__file__).resolve().parent
LOCAL_CORPUS = HERE / "corpus"


def _scorer(shared_dir: Path):
    path = shared_dir / "tools" / "score_extraction.py"
    spec = importlib.util.spec_from_file_location("score_extraction", path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _score_folder(folder: Path, scorer) -> tuple[list[str], int, int, int, float]:
    """Per-document lines and the folder's (expected, extracted, matched) counts."""
    registry = Registry.from_csv(folder / "agencies.csv")
    lines: list[str] = []
    want_total = got_total = hit_total = 0
    slowest = 0.0
    for text in sorted(folder.glob("*.txt")):
        key = text.with_name(text.name.removesuffix(".txt") + ".expected.json")
        if not key.exists():
            continue
        expected = json.loads(key.read_text(encoding="utf-8"))
        started = time.process_time()
        result = extract(read_document(text.name, text.read_bytes()), registry)
        slowest = max(slowest, (time.process_time() - started) * 1000)
        # the same arithmetic as score_extraction.main() (default mode)
        want = scorer.pairs(scorer.task_list(expected), False)
        got_all = scorer.pairs(scorer.task_list(result))
        skipped = scorer.pairs(scorer.task_list(expected)) - want
        got = got_all - skipped
        hit = sum((want & got).values())
        n_want, n_got = sum(want.values()), sum(got.values())
        want_total, got_total, hit_total = want_total + n_want, got_total + n_got, hit_total + hit
        p = hit / max(1, n_got)
        r = hit / max(1, n_want)
        f1 = 0.0 if hit == 0 else 2 * p * r / (p + r)
        lines.append(
            f"{folder.name}/{text.name}: expected {n_want}, extracted {n_got}, matched {hit}"
            f" (F1 {f1:.3f})"
        )
        for item, n in sorted((want - got).items()):
            lines.append(f"    missed {item} x{n}")
        for item, n in sorted((got - want).items()):
            lines.append(f"    extra  {item} x{n}")
    return lines, want_total, got_total, hit_total, slowest


def _micro(want: int, got: int, hit: int) -> tuple[float, float, float]:
    p = hit / max(1, got)
    r = hit / max(1, want)
    return p, r, 0.0 if hit == 0 else 2 * p * r / (p + r)


@pytest.fixture(scope="module")
def corpora(shared_dir: Path) -> list[Path]:
    shared = shared_dir / "examples" / "directives" / "corpus"
    if not (shared / "agencies.csv").is_file():
        pytest.fail(f"the shared corpus is missing: {shared}", pytrace=False)
    assert (LOCAL_CORPUS / "agencies.csv").is_file(), LOCAL_CORPUS
    return [LOCAL_CORPUS, shared]


def test_corpus_micro_f1_stays_above_the_floor(corpora, shared_dir, capsys):
    scorer = _scorer(shared_dir)
    report: list[str] = []
    want = got = hit = 0
    slowest = 0.0
    shared_f1 = 0.0
    for folder in corpora:
        lines, w, g, h, slow = _score_folder(folder, scorer)
        assert lines, f"no scored text in {folder}"
        report.extend(lines)
        p, r, f1 = _micro(w, g, h)
        if folder != LOCAL_CORPUS:
            shared_f1 = f1
        report.append(f"{folder}: {h} of {w} pairs; precision {p:.3f} recall {r:.3f} F1 {f1:.3f}")
        want, got, hit = want + w, got + g, hit + h
        slowest = max(slowest, slow)
    p, r, f1 = _micro(want, got, hit)
    report.append(
        f"micro-averaged: {hit} of {want} pairs; precision {p:.3f} recall {r:.3f} F1 {f1:.3f}"
    )
    report.append(f"slowest notice: {slowest:.0f} ms")
    with capsys.disabled():
        print("\n" + "\n".join(report))
    assert f1 >= FLOOR, "\n".join(report)
    assert shared_f1 >= SHARED_FLOOR, "\n".join(report)
    assert slowest < MAX_MS_PER_NOTICE, "\n".join(report)


def test_every_corpus_text_has_a_key_and_the_local_copy_is_complete(corpora):
    local, shared = corpora
    for folder in corpora:
        for text in folder.glob("*.txt"):
            key = text.with_name(text.name.removesuffix(".txt") + ".expected.json")
            assert key.is_file(), f"{text} has no answer key"
    # the shared texts are copied byte for byte (more documents may be added locally)
    for text in shared.glob("*.txt"):
        copy = local / text.name
        assert copy.is_file() and copy.read_bytes() == text.read_bytes(), copy


def test_the_example_notice_still_scores_perfectly(shared_dir, registry, score):
    """5016/TB-VPUBND, the scorer's default mode: the real-notice rules must not cost it."""
    example = shared_dir / "examples" / "directives" / "5016-TB-VPUBND-2025"
    text = example.with_suffix(".txt").read_text(encoding="utf-8")
    result = score(example.with_suffix(".expected.json"), extract(text, registry))
    assert result.f1 == 1.0, result.report
