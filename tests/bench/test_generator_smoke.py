"""Keep the benchmark code from rotting: a tiny province on SQLite, every measurement once.

No timing is asserted (machines differ); the figures live in docs/benchmarks.md.
"""

from sqlalchemy import create_engine, text

from bench import run
from bench.generate import generate


def test_generator_builds_a_consistent_province(tmp_path):
    url = f"sqlite:///{tmp_path / 'bench.sqlite'}"
    meta = generate(url, 300, quiet=True, batch=120)
    rows = meta["rows"]
    assert rows["task"] == 300
    assert rows["agency"] >= 140 and rows["agency_alias"] >= 140
    assert rows["reporting_period"] > 0 and rows["extension_request"] > 0
    engine = create_engine(url)
    with engine.connect() as conn:
        one = conn.execute(
            text(
                "SELECT count(*), min(c), max(c) FROM (SELECT count(*) c FROM task GROUP BY directive_id)"
            )
        ).one()
        extended = conn.execute(
            text("SELECT count(*) FROM task WHERE due_on > original_due_on")
        ).scalar_one()
        approved = conn.execute(
            text("SELECT count(*) FROM extension_request WHERE state = 'approved'")
        ).scalar_one()
        folded = conn.execute(
            text(
                "SELECT count(*) FROM task WHERE search_text = '' OR search_text GLOB '*[ăâđêôơư]*'"
            )
        ).scalar_one()
    engine.dispose()
    assert one[1] >= 1 and one[2] <= 30  # the last directive of a batch may be cut short
    assert extended == approved > 0  # every approved extension moved due_on, original kept
    assert folded == 0

    # every measurement once (http, service, bare SQL), checking each request answers 200
    ctx = run.Context(url)
    results = [run.run_one(ctx, m, runs=1, budget=0) for m in run.measurements(ctx)]
    names = {r["name"] for r in results}
    assert {"dashboard", "agency_overdue", "search", "sweep", "extraction"} <= names
    assert all(r.get("bare") for r in results)
    assert run.table(results)
