"""No N+1 on the key pages: the number of SQL statements a page runs does not grow with the
number of tasks it shows (5 tasks vs 50). A behavioural test, not a timing test.

Each task gets its own directive, lead agency and co-agencies where it can, so that a lazy load
per row (task.directive, task.lead_agency, task.co_agencies, ...) would show as extra statements.
"""

from datetime import date

import pytest

from bench.querycount import count_queries
from tests.conftest import login_as
from tests.factories import make_agency, make_directive, make_task
from tracker.extensions import db


def _add_tasks(data, n: int, start: int) -> int:
    """n tasks for the officer's agency (lead, co or via) in their own directives, and n tasks in
    one big directive; returns the big directive's id."""
    from tracker.agencies.models import Agency

    stc = db.session.get(Agency, data.agencies["stc"])
    big = make_directive(f"{900 + start}/TB-BENCH")
    for i in range(start, start + n):
        lead = make_agency(f"Sở thử nghiệm {i}")
        co = make_agency(f"Đơn vị phối hợp {i}")
        via = make_agency(f"Đơn vị tổng hợp {i}")
        directive = make_directive(f"{i}/TB-BENCH")
        role = i % 3
        make_task(
            directive,
            stc if role == 0 else lead,
            content=f"Nhiệm vụ quá hạn số {i}",
            co=[co] + ([stc] if role == 1 else []),
            via=stc if role == 2 else via,
            due_on=date(2025, 7, 1),
        )
        make_task(
            big,
            lead,
            content=f"Nhiệm vụ của văn bản lớn {i}",
            co=[co, stc],
            via=via,
            due_on=date(2025, 9, 1),
        )
    db.session.commit()
    return big.id


REPORT = "/reports/?year=2025&period=Y&as_of=2025-08-18"

PAGES = {
    "agency task list": ("stc@tinh.gov.vn", lambda big: "/tasks/?status=open_overdue"),
    "office task list": ("staff@tinh.gov.vn", lambda big: "/tasks/?q=nhiem+vu"),
    "office dashboard": ("staff@tinh.gov.vn", lambda big: "/dashboard"),
    "agency dashboard": ("stc@tinh.gov.vn", lambda big: "/dashboard"),
    "directive page": ("staff@tinh.gov.vn", lambda big: f"/directives/{big}"),
    "period report": ("staff@tinh.gov.vn", lambda big: REPORT),
    # the period report, whole and from its other angles (issue 16 §6): the by-issuer table,
    # one directive's cut, an agency's own report with its rank
    "period report of a directive": (
        "staff@tinh.gov.vn",
        lambda big: f"/reports/?year=2025&period=Y&directive={big}",
    ),
    "period report of an issuer": (
        "lanhdao@tinh.gov.vn",
        lambda big: "/reports/?year=2025&period=Q3&issuer=Chủ+tịch+UBND+tỉnh",
    ),
}


def _statements(client, path: str) -> list[str]:
    with count_queries(db.engine) as log:
        response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return log.statements


def _count(client, path: str) -> int:
    return len(_statements(client, path))


@pytest.mark.parametrize("page", sorted(PAGES))
def test_statement_count_does_not_grow_with_tasks(app, client, data, page):
    email, path_for = PAGES[page]
    login_as(client, email)
    with app.app_context():
        big_small = _add_tasks(data, 5, 0)
        few = _count(client, path_for(big_small))
        big_large = _add_tasks(data, 45, 5)
        # the big directive of the second build has 45 tasks; the lists now have 50 rows
        many = _count(client, path_for(big_large))
    assert many == few, f"{page}: {few} statements with 5 tasks, {many} with 50"


def _tables(statements: list[str]) -> list[str]:
    """The table each statement reads first (`FROM x`), for messages that say what ran."""
    names = []
    for statement in statements:
        words = statement.split()
        names.append(words[words.index("FROM") + 1] if "FROM" in words else words[0])
    return names


#: the period report: the signed-in user (with the agency), the settings (all rows, once), the
#: report and its trend in one pass, the agencies' names, the header's bell. It ran 16 at 1M
#: tasks before issue 17 (each period rule that was never set was asked for again, three times
#: per report) while docs/benchmarks.md said 6, and nothing noticed.
#: 5 at issue 17's trim (user, settings once per transaction, agencies, the report's rows, the
#: bell); then each feature added one fixed statement, none per row: the signers' table and a
#: directive's headline (issue 16 §6), the obligations left out "do nguyên nhân khách quan"
#: (§2), the targets' table (§4), and the office's menu counts of "Văn bản đến" and "Chờ xác
#: nhận". A new statement here must be a decision, not an accident.
REPORT_STATEMENTS = 12


def test_the_period_report_runs_a_fixed_handful_of_statements(app, client, data):
    login_as(client, "staff@tinh.gov.vn")
    with app.app_context():
        _add_tasks(data, 5, 0)
        statements = _statements(client, REPORT)
    assert len(statements) <= REPORT_STATEMENTS, (
        f"the period report ran {len(statements)} statements (budget {REPORT_STATEMENTS}): "
        f"{_tables(statements)}"
    )


def test_a_signed_in_page_costs_two_statements_besides_its_own(app, client, data):
    """The fixed cost of every signed-in page (issue 17): the user with their agency in one
    statement and the header's bell. The session limits are read at the login and then at most
    once a minute per worker, not per request; the agency is not loaded again for the header."""
    login_as(client, "stc@tinh.gov.vn")
    with app.app_context():
        statements = _statements(client, "/account/tokens")
    assert _tables(statements) == ["user_account", "api_token", "notification"], statements
