"""Print EXPLAIN ANALYZE for every statement a page runs (PostgreSQL), slowest first.

usage: python -m bench.explain --database-url URL --as EMAIL PATH [PATH ...]

The statements are captured with the runner's SQLAlchemy listener during one real request
(Flask test client, logged in as EMAIL), then re-run under EXPLAIN (ANALYZE, BUFFERS).
"""

from __future__ import annotations

import argparse
import sys
import time

from sqlalchemy import event

from bench import run


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--as", dest="email", default=None, help="user (default: office staff)")
    parser.add_argument("--top", type=int, default=3, help="plans printed per page")
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args(argv)
    ctx = run.Context(args.database_url)
    email = args.email or ctx.meta["office_email"]
    if email.isdigit():
        email = ctx.meta["agency_officer_email"].format(id=email)
    client = ctx.client(email)
    db = ctx.db
    for path in args.paths:
        captured: list[tuple[str, object, float]] = []
        started: dict[int, float] = {}

        def before(conn, cursor, statement, parameters, context, executemany, started=started):
            started[id(cursor)] = time.perf_counter()

        def after(
            conn,
            cursor,
            statement,
            parameters,
            context,
            executemany,
            started=started,
            captured=captured,
        ):
            took = time.perf_counter() - started.pop(id(cursor), time.perf_counter())
            captured.append((statement, parameters, took))

        with ctx.app.app_context():
            engine = db.engine
            event.listen(engine, "before_cursor_execute", before)
            event.listen(engine, "after_cursor_execute", after)
            try:
                client.get(path).get_data()
            finally:
                event.remove(engine, "before_cursor_execute", before)
                event.remove(engine, "after_cursor_execute", after)
            print(
                f"== {path}: {len(captured)} statements, {sum(c[2] for c in captured) * 1000:.0f} ms in SQL"
            )
            for statement, parameters, took in sorted(captured, key=lambda c: -c[2])[: args.top]:
                print(f"\n-- {took * 1000:.1f} ms\n{statement}\n{parameters}")
                if engine.dialect.name == "postgresql":
                    with engine.connect() as conn:
                        raw = conn.connection.driver_connection
                        with raw.cursor() as cur:
                            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                            print("\n".join(r[0] for r in cur.fetchall()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
