"""Issue 11 §5: the task search counts the lead agency's names and matches words by their start.

"so tai chinh" (the README's own example) returned tasks of 14 agencies because any letters
anywhere matched, and missed Sở Tài chính's tasks that do not spell its name out.
"""

import re

from tests import factories
from tests.conftest import login_as
from tracker.agencies.models import AgencyAlias
from tracker.extensions import db


def _listed(html: str) -> set[str]:
    return set(re.findall(r'<a href="/tasks/\d+">([^<]{3,})</a>', html))


def test_lead_agency_name_and_alias_find_its_tasks(app, client, data):
    with app.app_context():
        db.session.add(AgencyAlias(agency_id=data.agencies["stc"], name="STC", name_folded="stc"))
        db.session.commit()
    login_as(client, data.users["staff"])
    html = client.get("/tasks/?q=so+tai+chinh").get_data(as_text=True)
    # "Quản lý ngân sách thường xuyên" never names Sở Tài chính: its lead agency does
    assert _listed(html) == {
        "Sở Tài chính tổng hợp kiến nghị thanh tra",
        "Quản lý ngân sách thường xuyên",
    }
    assert "Quản lý ngân sách thường xuyên" in _listed(client.get("/tasks/?q=stc").get_data(True))
    # the dashboard counts what the list shows
    dashboard = client.get("/dashboard?q=so+tai+chinh").get_data(as_text=True)
    assert "Sở Y tế cải thiện" not in dashboard


def test_the_query_offers_the_agency_filter(app, client, data):
    login_as(client, data.users["staff"])
    html = client.get("/tasks/?q=so+tai+chinh").get_data(as_text=True)
    assert 'id="agency-suggestion"' in html
    assert f"agency={data.agencies['stc']}" in html
    # a query naming no agency offers nothing
    assert 'id="agency-suggestion"' not in client.get("/tasks/?q=papi").get_data(as_text=True)


def test_words_match_by_their_start_not_anywhere(app, client, data):
    with app.app_context():
        from tracker.directives.models import Directive

        d = db.session.get(Directive, data.directive)
        syt = db.session.get(factories.Agency, data.agencies["syt"])
        factories.make_task(d, syt, content="Bảo đảm an ninh bệnh viện")
        factories.make_task(d, syt, content="Ban hành quy chế chuyên môn")
        db.session.commit()
    login_as(client, data.users["staff"])
    listed = _listed(client.get("/tasks/?q=an").get_data(as_text=True))
    assert "Bảo đảm an ninh bệnh viện" in listed
    assert "Ban hành quy chế chuyên môn" not in listed  # "an" inside "ban", "hành"
    # a directive number is found from any of its parts
    assert len(_listed(client.get("/tasks/?q=vpubnd").get_data(as_text=True))) == 6
    assert len(_listed(client.get("/tasks/?q=5016").get_data(as_text=True))) == 6
