"""The production app under a per-request profiler, for finding what a request costs between
the socket and the view (issue 17).

    TRACKER_PROFILE_DIR=/tmp/prof TRACKER_CONFIG=config.ProductionConfig ... \\
        .venv/bin/gunicorn -c deploy/gunicorn.conf.py bench.profile_wsgi:app
    .venv/bin/python -m bench.profile_wsgi /tmp/prof --match tasks   # sum the requests' profiles

Each request's cProfile is written to TRACKER_PROFILE_DIR (werkzeug's ProfilerMiddleware: one
.prof file per request, named by method, path and milliseconds); the CLI adds up the files whose
name contains `--match` and prints the top functions by cumulative and by own time. The
profiler slows Python code down (roughly 1.5–2×) but not the waits on PostgreSQL, so compare
shares within one profile, not its milliseconds with curl's. Never used by production:
`wsgi:app` is what deploy/ serves.
"""

from __future__ import annotations

import argparse
import os
import pstats
import sys
from pathlib import Path


def _app():
    from werkzeug.middleware.profiler import ProfilerMiddleware

    from wsgi import app as flask_app

    folder = Path(os.environ.get("TRACKER_PROFILE_DIR", "bench/results/profiles"))
    folder.mkdir(parents=True, exist_ok=True)
    # only pages: the profile of a favicon or a stylesheet is noise here
    flask_app.wsgi_app = ProfilerMiddleware(
        flask_app.wsgi_app, stream=None, profile_dir=str(folder), restrictions=()
    )
    return flask_app


def summarise(folder: Path, match: str, top: int) -> None:
    """Print the summed profile of the requests whose file name contains `match`."""
    files = sorted(p for p in folder.glob("*.prof") if match in p.name)
    if not files:
        raise SystemExit(f"no profile matching {match!r} in {folder}")
    stats = pstats.Stats(str(files[0]))
    for path in files[1:]:
        stats.add(str(path))
    print(f"{len(files)} requests matching {match!r}; times are sums over them")
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="sum per-request profiles")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--match", default="")
    parser.add_argument("--top", type=int, default=45)
    args = parser.parse_args(argv)
    summarise(args.folder, args.match, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
else:
    app = _app()
