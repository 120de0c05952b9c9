"""Measure the key pages and jobs on a generated province, each beside its bare SQL.

usage: python -m bench.run --database-url URL [--runs 15] [--only dashboard,search] [--out docs/benchmarks.md]

For each measurement the runner times, in the same process and the same run:

* **http**: a real request through the Flask test client, logged in as the user who would open
  the page (server time: routing, permission checks, queries, template, response body);
* **service**: the function behind the page called directly (no routing, no template);
* **bare SQL**: the statements the page cannot do without, written by hand and run directly
  (e.g. the GROUP BY for the dashboard counts, the indexed SELECT for an agency's overdue list) —
  the lower bound; the ratio http / bare says how much the app adds.

Each figure is the median of N runs (after one warm-up) and the 95th percentile (nearest rank;
with few runs that is the slowest). Slow measurements stop after `--budget` seconds (at least 3
runs). Queries per request are counted with a SQLAlchemy event listener. Results are printed,
saved as JSON in bench/results/ and, with --out, written into a marked section of the file.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from sqlalchemy import Date, bindparam, text

from bench.common import REPO, example_notice, machine, make_app
from bench.querycount import count_queries

SEARCH_QUERY = "chuyen doi so"


def sql(statement: str, **params: Any):
    """A text statement whose date parameters are typed (SQLite stores ISO strings)."""
    stmt = text(statement)
    dates = [bindparam(k, type_=Date) for k, v in params.items() if isinstance(v, date)]
    return (stmt.bindparams(*dates) if dates else stmt), params


@dataclass
class Timing:
    runs: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.runs) * 1000

    @property
    def p95(self) -> float:
        ordered = sorted(self.runs)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)] * 1000


def timed(fn: Callable[[], Any], runs: int, budget: float) -> Timing:
    """`runs` timings after a warm-up, fewer when the budget (seconds) is spent: at least 3,
    or only 1 when the warm-up alone took more than the budget (a figure that is far off its
    target anyway; the run stays bounded)."""
    t0 = time.perf_counter()
    fn()  # warm-up: caches, compiled statements, connection
    warm = time.perf_counter() - t0
    least = 1 if warm > budget else 3
    times: list[float] = []
    started = time.perf_counter()
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        if len(times) >= least and time.perf_counter() - started > budget:
            break
    return Timing(times)


@dataclass
class Measurement:
    name: str
    label: str
    user: str | None = None
    #: (method, path, form data) of the real request, None when there is no page (the sweep)
    request: tuple[str, str, dict | None] | None = None
    service: Callable[[], Any] | None = None
    bare: list[tuple[Any, dict]] = field(default_factory=list)
    #: targets in ms by (dialect, size) prefix, e.g. {("postgresql", 100_000): 40}
    target: dict[tuple[str, int], float] = field(default_factory=dict)
    note: str = ""


class Context:
    """The app, the province's facts and a logged-in test client per user."""

    def __init__(self, url: str) -> None:
        probe = make_app(url)
        from tracker.extensions import db

        with probe.app_context():
            meta = db.session.execute(
                text("SELECT value FROM setting WHERE key = 'bench.meta'")
            ).scalar_one()
            db.engine.dispose()
        self.meta = json.loads(meta) if isinstance(meta, str) else meta
        self.today = date.fromisoformat(self.meta["today"])
        self.app = make_app(url, self.today)
        self.db = db
        self.clients: dict[str, Any] = {}
        with self.app.app_context():
            self.dialect = db.engine.dialect.name
            self.version = self._version()
            self.agency_id, self.agency_overdue = self._busiest_agency()
            self.directive_id, self.directive_tasks = db.session.execute(
                text(
                    "SELECT directive_id, count(*) FROM task GROUP BY directive_id "
                    "ORDER BY count(*) DESC, directive_id LIMIT 1"
                )
            ).one()
            self.open_tasks = db.session.execute(
                text("SELECT count(*) FROM task WHERE done_on IS NULL AND cancelled_on IS NULL")
            ).scalar_one()
            db.session.remove()

    def _version(self) -> str:
        if self.dialect == "postgresql":
            full = self.db.session.execute(text("SHOW server_version")).scalar_one()
            return f"PostgreSQL {full.split()[0]}"
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"

    def _busiest_agency(self) -> tuple[int, int]:
        """The lead agency with the most overdue tasks: the worst agency list."""
        stmt, params = sql(
            "SELECT lead_agency_id, count(*) FROM task WHERE done_on IS NULL "
            "AND cancelled_on IS NULL AND due_on < :d GROUP BY lead_agency_id "
            "ORDER BY count(*) DESC, lead_agency_id LIMIT 1",
            d=self.today,
        )
        row = self.db.session.execute(stmt, params).one()
        return row[0], row[1]

    @property
    def size(self) -> int:
        return int(self.meta["tasks"])

    def agency_email(self) -> str:
        return self.meta["agency_officer_email"].format(id=self.agency_id)

    def client(self, email: str):
        if email not in self.clients:
            client = self.app.test_client()
            response = client.post(
                "/login", data={"email": email, "password": self.meta["password"]}
            )
            if response.status_code != 302:
                raise SystemExit(f"login as {email} failed: {response.status_code}")
            self.clients[email] = client
        return self.clients[email]

    def user(self, email: str):
        from sqlalchemy import select

        from tracker.auth.models import User

        return self.db.session.execute(select(User).where(User.email == email)).scalar_one()


# -- the measurements -----------------------------------------------------------------------------

STATUS_SUMS = """
  SUM(CASE WHEN cancelled_on IS NOT NULL AND cancelled_on <= :d THEN 1 ELSE 0 END) AS cancelled,
  SUM(CASE WHEN cancelled_on IS NULL AND done_on <= :d AND (due_on IS NULL OR done_on <= due_on)
      THEN 1 ELSE 0 END) AS done_on_time,
  SUM(CASE WHEN cancelled_on IS NULL AND done_on <= :d AND done_on > due_on THEN 1 ELSE 0 END)
      AS done_late,
  SUM(CASE WHEN cancelled_on IS NULL AND done_on IS NULL AND due_on < :d THEN 1 ELSE 0 END)
      AS open_overdue,
  SUM(CASE WHEN cancelled_on IS NULL AND done_on IS NULL AND due_on >= :d THEN 1 ELSE 0 END)
      AS open_on_time,
  SUM(CASE WHEN cancelled_on IS NULL AND done_on IS NULL AND due_on IS NULL THEN 1 ELSE 0 END)
      AS no_deadline"""

OVERDUE = "t.done_on IS NULL AND t.cancelled_on IS NULL AND t.due_on < :d"
INVOLVING = (
    "(t.lead_agency_id = :a OR t.via_agency_id = :a OR t.id IN "
    "(SELECT task_id FROM task_co_agency WHERE agency_id = :a))"
)
# on PostgreSQL the best hand-written form: the co-agency ids as an array, so the three arms are
# OR-ed bitmap index scans (what tracker.deadlines.obligations.involves_agency_sql writes)
INVOLVING_PG = (
    "(t.lead_agency_id = :a OR t.via_agency_id = :a OR t.id = ANY(ARRAY("
    "SELECT task_id FROM task_co_agency WHERE agency_id = :a)))"
)


def measurements(ctx: Context) -> list[Measurement]:
    from sqlalchemy import true

    from tracker.extensions import db

    d = ctx.today
    involving = INVOLVING_PG if ctx.dialect == "postgresql" else INVOLVING
    office = ctx.meta["office_email"]
    agency_user = ctx.agency_email()
    has_reports = find_spec("tracker.reports") is not None
    found: list[Measurement] = []

    # 1. the office dashboard: every agency's counts on one page
    def dashboard_service():
        if has_reports:
            from tracker.reports.dashboard import Filters, build_dashboard, filter_choices

            build_dashboard(true(), Filters(), d)
            filter_choices(true(), with_agencies=True)
        else:
            from sqlalchemy import func, select

            from tracker.deadlines.status import status_as_of_sql
            from tracker.tasks.models import Task

            status = status_as_of_sql(
                d, due_on=Task.due_on, done_on=Task.done_on, cancelled_on=Task.cancelled_on
            ).label("status")
            db.session.execute(select(status, func.count(Task.id)).group_by(status)).all()

    found.append(
        Measurement(
            "dashboard",
            "Office dashboard (every agency's counts)",
            office,
            ("GET", "/dashboard", None),
            dashboard_service,
            [
                sql(f"SELECT {STATUS_SUMS} FROM task", d=d),
                sql(
                    "SELECT lead_agency_id, count(*), min(due_on) FROM task WHERE done_on IS NULL "
                    "AND cancelled_on IS NULL AND due_on < :d GROUP BY lead_agency_id",
                    d=d,
                ),
            ],
            {("postgresql", 100_000): 200, ("postgresql", 1_000_000): 300},
            "bare: the six state counts over every task, and the overdue count per lead agency",
        )
    )

    # 2. one agency's overdue list (its officer, page 1 of 25)
    def agency_service():
        from tracker.auth.permissions import task_visibility
        from tracker.tasks.queries import ObligationPage, TaskFilters, matching_obligations

        # as the page does it (tasks.views.index): the obligations' totals and the page's
        # ids in one statement, then the 25 tasks
        matching = matching_obligations(
            task_visibility(ctx.user(agency_user)), d, TaskFilters(status="open_overdue")
        )
        page = ObligationPage(
            page=1, per_page=25, error_out=False, matching=matching, sort="due", session=db.session
        )
        for task in page.items:  # what the template reads
            _ = (task.directive.number, task.lead_agency.name)

    found.append(
        Measurement(
            "agency_overdue",
            f"Agency's overdue list (agency {ctx.agency_id}, {ctx.agency_overdue} overdue as lead)",
            agency_user,
            ("GET", "/tasks/?status=open_overdue", None),
            agency_service,
            [
                sql(
                    f"SELECT t.id, t.content, t.due_on, t.directive_id, t.lead_agency_id "
                    f"FROM task t WHERE {OVERDUE} AND {involving} ORDER BY t.due_on, t.id LIMIT 25",
                    d=d,
                    a=ctx.agency_id,
                ),
                sql(
                    f"SELECT count(*) FROM task t WHERE {OVERDUE} AND {involving}",
                    d=d,
                    a=ctx.agency_id,
                ),
            ],
            {("postgresql", 100_000): 40, ("postgresql", 1_000_000): 300},
            "bare: the page's SELECT … LIMIT 25 and its COUNT (lead, via or co-agency)",
        )
    )

    # 3. a search (office, accent-insensitive, page 1)
    def search_service():
        from tracker.tasks.queries import filtered_tasks

        stmt = filtered_tasks(true(), as_of=d, query=SEARCH_QUERY)
        page = db.paginate(stmt, page=1, per_page=25, error_out=False)
        for task in page.items:
            _ = (task.directive.number, task.lead_agency.name)

    pattern = f"%{SEARCH_QUERY}%"
    found.append(
        Measurement(
            "search",
            f"Search “{SEARCH_QUERY}” (office, page 1)",
            office,
            ("GET", f"/tasks/?q={SEARCH_QUERY.replace(' ', '+')}", None),
            search_service,
            [
                sql(
                    "SELECT id, content, due_on FROM task WHERE search_text LIKE :p "
                    "ORDER BY due_on IS NULL, due_on, id LIMIT 25",
                    p=pattern,
                ),
                sql("SELECT count(*) FROM task WHERE search_text LIKE :p", p=pattern),
            ],
            note="bare: LIKE on the folded column, LIMIT 25, and the COUNT",
        )
    )

    # 4. the period report, year and third quarter
    if has_reports:
        from tracker.deadlines.periods import PeriodSettings, report_period

        for code in ("Y", "Q3"):
            starts, ends, _ = report_period(d.year, code, PeriodSettings())

            def report_service(code=code):
                from tracker.reports.service import build_report, parse_request

                build_report(parse_request(d.year, code, d))

            found.append(
                Measurement(
                    f"report_{code.lower()}",
                    f"Period report {code}/{d.year} ({starts:%d/%m}–{ends:%d/%m})",
                    office,
                    ("GET", f"/reports/?year={d.year}&period={code}&as_of={d.isoformat()}", None),
                    report_service,
                    [
                        sql(
                            f"SELECT lead_agency_id, count(*), {STATUS_SUMS} FROM task "
                            "WHERE cadence = 'none' AND due_on BETWEEN :s AND :e "
                            "GROUP BY lead_agency_id",
                            d=d,
                            s=starts,
                            e=ends,
                        ),
                        sql(
                            "SELECT t.lead_agency_id, count(*), SUM(CASE WHEN p.done_on <= p.due_on "
                            "THEN 1 ELSE 0 END), SUM(CASE WHEN p.done_on > p.due_on THEN 1 ELSE 0 END), "
                            "SUM(CASE WHEN p.done_on IS NULL AND p.due_on < :d THEN 1 ELSE 0 END) "
                            "FROM reporting_period p JOIN task t ON t.id = p.task_id "
                            "WHERE p.due_on BETWEEN :s AND :e GROUP BY t.lead_agency_id",
                            d=d,
                            s=starts,
                            e=ends,
                        ),
                    ],
                    {("postgresql", 1_000_000): 2000},
                    "bare: per-agency counts of one-off tasks and periods due in the window "
                    "(current due dates, not the as-of ones)",
                )
            )

    # 5. the reminder sweep, dry run (no page: service only)
    def sweep_service():
        from tracker.reminders.services import run_sweep

        run_sweep(d, dry_run=True)

    horizon = d + timedelta(days=40)
    open_t = (
        "(t.done_on IS NULL OR t.done_on > :d) AND (t.cancelled_on IS NULL OR t.cancelled_on > :d) "
        "AND t.reminders_paused = :f"
    )
    found.append(
        Measurement(
            "sweep",
            f"Reminder sweep, dry run ({ctx.open_tasks:,} open tasks)",
            None,
            None,
            sweep_service,
            [
                sql(
                    f"SELECT t.id, t.content, t.due_on, t.lead_agency_id, d.number FROM task t "
                    f"JOIN directive d ON d.id = t.directive_id WHERE {open_t} AND t.due_on <= :h",
                    d=d,
                    h=horizon,
                    f=False,
                ),
                sql(
                    f"SELECT p.id, p.label, p.due_on, t.id, t.content, t.lead_agency_id FROM "
                    f"reporting_period p JOIN task t ON t.id = p.task_id WHERE {open_t} "
                    "AND p.done_on IS NULL AND p.due_on <= :h",
                    d=d,
                    h=horizon,
                    f=False,
                ),
                sql(
                    f"SELECT t.id, t.content, t.created_at, (SELECT max(created_at) FROM "
                    f"progress_update u WHERE u.task_id = t.id) FROM task t WHERE {open_t} "
                    "AND t.due_on IS NULL AND t.cadence = 'none'",
                    d=d,
                    f=False,
                ),
            ],
            {("postgresql", 1_000_000): 10_000},
            "bare: the open dated tasks and periods up to the horizon, the undated ones with "
            "their last update",
        )
    )

    # 6. extraction of the example notice
    label, notice = example_notice()

    def extraction_service():
        from tracker.extraction import extract
        from tracker.extraction.services import registry_from_db

        extract(notice, registry_from_db())

    found.append(
        Measurement(
            "extraction",
            f"Extraction of {Path(label).name} ({len(notice.encode()) / 1024:.0f} KB)",
            office,
            ("POST", "/directives/extract/", {"text": notice}),
            extraction_service,
            [
                sql("SELECT id, name, short_name, kind, merged_into_id FROM agency"),
                sql("SELECT agency_id, name FROM agency_alias"),
            ],
            {("postgresql", 1_000_000): 100},
            "bare: the registry's two SELECTs (the rest is pure Python)",
        )
    )

    # 7. export of all overdue tasks (office), XLSX and CSV
    if has_reports:
        for fmt in ("csv", "xlsx"):

            def export_service(fmt=fmt):
                from tracker.reports import exports
                from tracker.reports.dashboard import Filters, overdue_records

                records = overdue_records(true(), Filters(), d)
                if fmt == "csv":
                    for _ in exports.overdue_csv(records):
                        pass
                else:
                    exports.overdue_xlsx(records, "bench")

            found.append(
                Measurement(
                    f"overdue_{fmt}",
                    f"Export of all overdue tasks ({fmt.upper()})",
                    office,
                    ("GET", f"/reports/overdue.{fmt}", None),
                    export_service,
                    [
                        sql(
                            "SELECT t.id, t.content, t.due_on, d.number, d.issued_on, a.name "
                            "FROM task t JOIN directive d ON d.id = t.directive_id "
                            f"JOIN agency a ON a.id = t.lead_agency_id WHERE {OVERDUE} "
                            "ORDER BY a.name, t.due_on, t.id",
                            d=d,
                        ),
                        sql(
                            "SELECT c.task_id, a.name FROM task_co_agency c "
                            "JOIN agency a ON a.id = c.agency_id JOIN task t ON t.id = c.task_id "
                            f"WHERE {OVERDUE}",
                            d=d,
                        ),
                    ],
                    {("postgresql", 100_000): 2000},
                    "bare: the overdue rows with their directive and lead agency, and their "
                    "co-agencies",
                )
            )

    # 8. a directive page (the largest directive)
    def directive_service():
        from sqlalchemy import select

        from tracker.tasks.models import Task

        rows = db.session.execute(
            select(Task).where(Task.directive_id == ctx.directive_id).order_by(Task.id)
        ).scalars()
        for task in rows:
            _ = (task.lead_agency.name, [a.name for a in task.co_agencies], task.via_agency)

    found.append(
        Measurement(
            "directive_page",
            f"Directive page ({ctx.directive_tasks} tasks)",
            office,
            ("GET", f"/directives/{ctx.directive_id}", None),
            directive_service,
            [
                sql("SELECT * FROM task WHERE directive_id = :i ORDER BY id", i=ctx.directive_id),
                sql(
                    "SELECT c.task_id, a.name FROM task_co_agency c JOIN agency a ON "
                    "a.id = c.agency_id JOIN task t ON t.id = c.task_id WHERE t.directive_id = :i",
                    i=ctx.directive_id,
                ),
            ],
            note="bare: the directive's tasks and their co-agencies",
        )
    )
    return found


# -- running --------------------------------------------------------------------------------------


def run_one(ctx: Context, m: Measurement, runs: int, budget: float) -> dict[str, Any]:
    from flask_login import login_user

    db = ctx.db
    result: dict[str, Any] = {"name": m.name, "label": m.label, "note": m.note}
    if m.request:
        method, path, data = m.request
        client = ctx.client(m.user)

        def call():
            response = client.open(path, method=method, data=data)
            body = response.get_data()
            if response.status_code != 200:
                raise SystemExit(f"{method} {path}: HTTP {response.status_code}")
            return body

        with ctx.app.app_context(), count_queries(db.engine) as log:
            body = call()
        result["queries"] = log.count
        result["bytes"] = len(body)
        result["http"] = timed(call, runs, budget)
    if m.service:

        def service():
            with ctx.app.test_request_context("/"):
                if m.user:
                    login_user(ctx.user(m.user))
                m.service()
                db.session.remove()

        result["service"] = timed(service, runs, budget)
    if m.bare:

        def bare():
            with ctx.app.app_context():
                with db.engine.connect() as conn:
                    for stmt, params in m.bare:
                        conn.execute(stmt, params).fetchall()

        result["bare"] = timed(bare, runs, budget)
    target = m.target.get((ctx.dialect, ctx.size))
    result["target"] = target
    main = result.get("http") or result.get("service")
    if target and main:
        result["met"] = main.median <= target
    return result


def fmt_ms(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def table(results: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| measurement | http median / p95 ms | service median / p95 ms | bare SQL median ms "
        "| http ÷ bare | queries | runs | target |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        http, service, bare = r.get("http"), r.get("service"), r.get("bare")
        main = http or service
        ratio = f"{main.median / bare.median:.1f}×" if main and bare and bare.median else "—"
        target = "—"
        if r.get("target"):
            target = f"{'✅' if r['met'] else '❌'} < {fmt_ms(r['target'])} ms"
        lines.append(
            f"| {r['label']} "
            f"| {f'{fmt_ms(http.median)} / {fmt_ms(http.p95)}' if http else '—'} "
            f"| {f'{fmt_ms(service.median)} / {fmt_ms(service.p95)}' if service else '—'} "
            f"| {fmt_ms(bare.median) if bare else '—'} "
            f"| {ratio} | {r.get('queries', '—')} | {len(main.runs) if main else 0} | {target} |"
        )
    return lines


def section(ctx: Context, results: list[dict[str, Any]], command: str) -> str:
    info = machine()
    rows = ctx.meta.get("rows", {})
    lines = [
        f"### {ctx.version}, {ctx.size:,} tasks",
        "",
        f"{info['date']} · commit {info['commit']} · {info['nproc']} cores {info['cpu']} · "
        f"{info['ram']} RAM · Python {info['python']} · {ctx.version}",
        "",
        f"Province: {rows.get('directive', 0):,} directives, {rows.get('task', 0):,} tasks, "
        f"{rows.get('task_co_agency', 0):,} co-agency links, {rows.get('reporting_period', 0):,} "
        f"periods, {rows.get('extension_request', 0):,} extension requests, "
        f"{rows.get('progress_update', 0):,} progress updates; {ctx.open_tasks:,} open tasks; "
        f"today = {ctx.today:%d/%m/%Y}; generated in {ctx.meta.get('seconds', {}).get('total', '?')} s.",
        "",
        *table(results),
        "",
        f"`{command}`",
        "",
    ]
    return "\n".join(lines)


def write_section(path: Path, key: str, body: str) -> None:
    """Replace the section marked `key` in `path` (or append it)."""
    start, end = f"<!-- results:{key} -->", f"<!-- /results:{key} -->"
    block = f"{start}\n{body}{end}"
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n"
    if start in current and end in current:
        before, rest = current.split(start, 1)
        after = rest.split(end, 1)[1]
        current = before + block + after
    else:
        current = current.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(current, encoding="utf-8")


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per figure at most")
    parser.add_argument("--only", default="", help="comma-separated measurement names")
    parser.add_argument("--out", type=Path, default=None, help="markdown file to update")
    args = parser.parse_args(list(argv) if argv is not None else None)

    ctx = Context(args.database_url)
    wanted = {n for n in args.only.split(",") if n}
    results = []
    for m in measurements(ctx):
        if wanted and m.name not in wanted:
            continue
        print(f"… {m.label}", file=sys.stderr, flush=True)
        results.append(run_one(ctx, m, args.runs, args.budget))
    print("\n".join(table(results)))
    key = f"{ctx.dialect}-{ctx.size}"
    out_dir = REPO / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    serialisable = [
        {k: (v.runs if isinstance(v, Timing) else v) for k, v in r.items()} for r in results
    ]
    (out_dir / f"{key}.json").write_text(json.dumps(serialisable, indent=1, default=str))
    if args.out:
        url = args.database_url
        if "@" in url:  # never print a password
            scheme, rest = url.split("://", 1)
            url = f"{scheme}://{rest.split('@', 1)[0].split(':')[0]}@{rest.split('@', 1)[1]}"
        command = (
            f"python -m bench.run --database-url {url} --runs {args.runs} "
            f"--budget {args.budget:g} --out {args.out}"
        )
        if wanted:
            command += f" --only {args.only}"
        write_section(args.out, key, section(ctx, results, command))
    return 0


if __name__ == "__main__":
    sys.exit(main())
