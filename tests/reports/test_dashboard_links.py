"""A dashboard tile opens the task list with the same filters, so the number on the tile is the
length of the list it opens — for every tile, every filter (issuer, kind, due dates, agency,
search) and every role (today 18/08/2025)."""

import html as html_lib
import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from tests import factories
from tests.conftest import login_as
from tracker.agencies.models import Agency
from tracker.extensions import db

VICE = "Phó Chủ tịch UBND tỉnh Nguyễn Văn An"


@pytest.fixture
def second_directive(app, data):
    """A Chỉ thị signed by a vice-chairman, with tasks in every state, next to the small
    province's Thông báo kết luận signed by the chairman."""
    with app.app_context():
        stc = db.session.get(Agency, data.agencies["stc"])
        syt = db.session.get(Agency, data.agencies["syt"])
        directive = factories.make_directive("12/CT-UBND", kind="Chỉ thị", issuer=VICE)
        make = factories.make_task
        make(directive, stc, content="Rà soát đầu tư công quá hạn", due_on=date(2025, 8, 12))
        make(directive, syt, content="Tiêm chủng mở rộng trong hạn", due_on=date(2025, 8, 25))
        make(
            directive, stc, content="Thanh tra thuế đã xong", due_on=date(2025, 8, 5)
        ).done_on = date(2025, 8, 4)
        make(directive, syt, content="Kiểm tra dược chậm", due_on=date(2025, 8, 1)).done_on = date(
            2025, 8, 10
        )
        make(directive, stc, content="Theo dõi giá cả thường xuyên")
        make(directive, stc, content="Việc đã dừng", due_on=date(2025, 8, 20)).cancelled_on = date(
            2025, 8, 11
        )
        db.session.commit()


def _tile_links(page: str) -> dict[str, tuple[int, str]]:
    """status → (count on the tile, the link it opens), the cancelled link included."""
    links = {
        m.group(2): (int(m.group(3)), html_lib.unescape(m.group(1)))
        for m in re.finditer(
            r'<a class="tile [^"]*" href="([^"]+)" data-status="(\w+)">\s*'
            r'<span class="count">(\d+)</span>',
            page,
        )
    }
    cancelled = re.search(r'Dừng/hủy: <a href="([^"]+)">(\d+)</a>', page)
    if cancelled:
        links["cancelled"] = (int(cancelled.group(2)), html_lib.unescape(cancelled.group(1)))
    return links


def _list_length(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "flash-warning" not in page  # the tiles never send a value the list refuses
    total = re.search(r"Tổng cộng: (\d+)", page)
    return int(total.group(1)) if total else 0


FILTERS = [
    "",
    "?kind=Chỉ thị",
    f"?issuer={VICE}",
    "?issuer=Chủ tịch UBND tỉnh&kind=Thông báo kết luận",
    "?due_from=01/08/2025&due_to=20/08/2025",
    "?due_from=2025-08-12",
    "?due_to=15/08/2025&kind=Chỉ thị&status=open_overdue",
    f"?status=open&issuer={VICE}",
    "?q=thanh tra tổng hợp",  # words in another order than in the task
    "?agency={stc}&kind=Chỉ thị&due_from=01/08/2025",
]


@pytest.mark.parametrize("user", ["staff", "officer"])
@pytest.mark.parametrize("filters", FILTERS)
def test_each_tile_counts_the_list_it_opens(client, data, second_directive, user, filters):
    login_as(client, data.users[user])
    page = client.get("/dashboard" + filters.format(stc=data.agencies["stc"])).get_data(
        as_text=True
    )
    links = _tile_links(page)
    shut_out = set(re.findall(r'<span class="tile [^"]*" data-status="(\w+)">', page))
    assert set(links) | shut_out >= {"done_on_time", "done_late", "open_on_time", "open_overdue"}
    for status, (count, url) in links.items():
        assert _list_length(client, url) == count, (status, url)
    # a tile the status filter shuts out counts nothing and opens nothing
    status = parse_qs(urlsplit(filters).query).get("status", [""])[0]
    expected = {
        "": set(),
        "open": {"done_on_time", "done_late"},
        "open_overdue": {
            "done_on_time",
            "done_late",
            "open_on_time",
            "no_deadline",
            "awaiting_acceptance",
        },
    }[status]
    assert shut_out == expected
    for status in shut_out:
        assert f'data-status="{status}">\n    <span class="count">0</span>' in page


def test_a_filtered_tile_carries_every_filter(client, data, second_directive):
    login_as(client, data.users["staff"])
    page = client.get(
        f"/dashboard?issuer={VICE}&kind=Chỉ thị&due_from=01/08/2025&due_to=31/08/2025"
    ).get_data(as_text=True)
    count, url = _tile_links(page)["open_overdue"]
    assert count == 1
    args = parse_qs(urlsplit(url).query)
    assert args == {
        "status": ["open_overdue"],
        "issuer": [VICE],
        "kind": ["Chỉ thị"],
        "due_from": ["2025-08-01"],
        "due_to": ["2025-08-31"],
    }
    listing = client.get(url).get_data(as_text=True)
    assert "Rà soát đầu tư công quá hạn" in listing
    assert "Sở Tài chính tổng hợp kiến nghị thanh tra" not in listing  # the other directive
    # the list's own form shows the filters it applies, dates as dd/mm/yyyy
    form = listing.split('id="task-filters"')[1].split("</form>")[0]
    assert f'<option value="{VICE}" selected>' in form
    assert '<option value="Chỉ thị" selected>' in form
    assert 'value="01/08/2025"' in form and 'value="31/08/2025"' in form


def test_the_list_explains_the_filters_it_ignores(client, data, second_directive):
    login_as(client, data.users["staff"])
    response = client.get("/tasks/?due_from=32/13/2025&kind=Chỉ thị&agency=abc")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Thời hạn từ: “32/13/2025” không phải ngày (dd/mm/yyyy), đã bỏ qua." in page
    assert "Giá trị lọc “abc” không hợp lệ, đã bỏ qua." in page
    assert 'value="32/13/2025"' in page  # kept as typed, to be corrected
    assert "Tổng cộng: 6" in page  # the valid filter (kind) still applies
    reversed_range = client.get("/tasks/?due_from=20/08/2025&due_to=01/08/2025").get_data(
        as_text=True
    )
    assert "ngày đến trước ngày từ" in reversed_range
