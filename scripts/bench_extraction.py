"""Time the extractor on each real notice of a corpus: best and median of 7 runs, in CPU time (the machine may be shared).

usage (from the project root): .venv/bin/python scripts/bench_extraction.py [CORPUS_DIR]
CORPUS_DIR defaults to tests/extraction/corpus (texts, answer keys and agencies.csv).
"""

import statistics
import sys
import time
from pathlib import Path

from tracker.extraction import Registry, extract, read_document


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else Path("tests/extraction/corpus")
    registry = Registry.from_csv(folder / "agencies.csv")
    worst = 0.0
    for path in sorted(folder.glob("*.txt")):
        text = read_document(path.name, path.read_bytes())
        runs = []
        for _ in range(7):
            started = time.process_time()
            extract(text, registry)
            runs.append((time.process_time() - started) * 1000)
        worst = max(worst, min(runs))
        print(
            f"{path.name:48s} {len(text):6d} chars  best {min(runs):6.1f} ms  "
            f"median {statistics.median(runs):6.1f} ms"
        )
    print(f"slowest notice (best of 7): {worst:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
