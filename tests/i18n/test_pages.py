"""English as the second language: pages in `?lang=en` speak English, Vietnamese stays the default.

Each page is fetched with real requests; the checks are a few key strings and that the main
headings carry no Vietnamese letter (agency names and directive numbers are data, not UI text).
"""

import re
from html.parser import HTMLParser

import pytest

from tests.conftest import login_as

#: letters that only Vietnamese uses among the UI's languages (đ, ơ, ư and the tone marks)
VIETNAMESE = re.compile(
    r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.I
)


class _Headings(HTMLParser):
    """Collect the text of <title>, <h1> and <h2>, the page's main headings."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.current: list[str] = []
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("title", "h1", "h2"):
            self.depth += 1
            self.current = []

    def handle_endtag(self, tag):
        if tag in ("title", "h1", "h2") and self.depth:
            self.depth -= 1
            self.found.append(" ".join("".join(self.current).split()))

    def handle_data(self, data):
        if self.depth:
            self.current.append(data)


def headings(html: str) -> list[str]:
    parser = _Headings()
    parser.feed(html)
    return parser.found


def assert_english(html: str, *expected: str, data_words: tuple[str, ...] = ()) -> None:
    """The expected strings are there and no heading speaks Vietnamese (bar the data named)."""
    for text in expected:
        assert text in html, f"missing {text!r}"
    for heading in headings(html):
        for word in data_words:
            heading = heading.replace(word, "")
        assert not VIETNAMESE.search(heading), f"Vietnamese left in heading {heading!r}"


#: data the headings may show as is: the province, agency and user names, directive numbers
DATA = ("tỉnh Hòa Bình", "Hòa Bình", "Sở Tài chính", "Sở Y tế", "Sở Nội vụ", "Quản Trị")


def get_en(client, url: str):
    sep = "&" if "?" in url else "?"
    response = client.get(f"{url}{sep}lang=en")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def test_login_page_in_english(client, data):
    html = get_en(client, "/login")
    assert_english(html, "Log in", "Password", "Remember me", data_words=DATA)
    assert 'lang="en"' in html


def test_login_error_in_english(client, data):
    client.get("/login?lang=en")
    response = client.post("/login", data={"email": "admin@tinh.gov.vn", "password": "wrong"})
    html = response.get_data(as_text=True)
    assert "Wrong email or password." in html


def test_default_stays_vietnamese(client, data):
    html = client.get("/login").get_data(as_text=True)
    assert "Đăng nhập" in html and "Mật khẩu" in html and "Ghi nhớ đăng nhập" in html
    assert "Log in" not in html
    assert 'lang="vi"' in html


def test_language_is_remembered_in_the_session(client, data):
    login_as(client, data.users["staff"])
    get_en(client, "/dashboard")
    html = client.get("/tasks/").get_data(as_text=True)
    assert "Due date" in html
    html = client.get("/tasks/?lang=vi").get_data(as_text=True)
    assert "Thời hạn" in html and "Due date" not in html


def test_dashboard_in_english(client, data):
    login_as(client, data.users["staff"])
    html = get_en(client, "/dashboard")
    assert_english(html, "Dashboard", "Overdue (in progress)", "Completed on time", data_words=DATA)


def test_task_list_in_english(client, data):
    login_as(client, data.users["staff"])
    html = get_en(client, "/tasks/")
    assert_english(html, "Tasks", ">Lead<", "Due date", "Status", data_words=DATA)
    # the dates keep the Vietnamese order in both languages
    assert "15/08/2025" in html


def test_task_page_in_english(client, data):
    login_as(client, data.users["staff"])
    html = get_en(client, f"/tasks/{data.tasks['stc_co']}")
    assert_english(html, "Lead agency", "Co-agencies", "Due date", "15/11/2025", data_words=DATA)
    assert "Đơn vị chủ trì" not in html


def test_directive_form_with_an_error_in_english(client, data):
    login_as(client, data.users["staff"])
    html = get_en(client, "/directives/new")
    assert_english(html, "Number and code", "Date of issue", "Summary", data_words=DATA)
    response = client.post(
        "/directives/new",
        data={"number": "", "kind": "Chỉ thị", "issued_on": "31/02/2025", "title": ""},
    )
    html = response.get_data(as_text=True)
    assert "Please fill in this field." in html
    assert "The date “31/02/2025” is not valid. Enter it as dd/mm/yyyy" in html
    assert "Vui lòng nhập mục này." not in html
    # the kind keeps its stored Vietnamese value and shows its English name
    assert 'value="Chỉ thị"' in html and ">Directive</option>" in html


def test_report_page_in_english(client, data):
    login_as(client, data.users["leader"])
    html = get_en(client, "/reports/?year=2025&period=Q3&as_of=18/08/2025")
    assert_english(
        html,
        "Report on the implementation of tasks",
        "Quarter III/2025",
        "On-time rate by agency",
        "Performance ranking",
        "18/08/2025",
        data_words=DATA,
    )


def test_report_error_in_english(client, data):
    login_as(client, data.users["leader"])
    response = client.get("/reports/?year=abc&lang=en")
    assert response.status_code == 400
    assert "The year “abc” is not valid." in response.get_data(as_text=True)


def test_report_export_stays_vietnamese(client, data):
    """XLSX and CSV are the office's documents: Vietnamese whatever the interface language."""
    login_as(client, data.users["leader"])
    client.get("/reports/?lang=en")
    response = client.get("/reports/export.csv?year=2025&period=Q3&as_of=18/08/2025")
    assert response.status_code == 200
    text = response.get_data().decode("utf-8-sig")
    assert "Đơn vị chủ trì" in text and "Lead agency" not in text


def test_agency_import_page_in_english(client, data):
    login_as(client, data.users["admin"])
    html = get_en(client, "/agencies/import")
    assert_english(html, "Import the agency registry", "Check file", data_words=DATA)


def test_flash_message_in_english(client, data):
    login_as(client, data.users["admin"])
    client.get("/agencies/?lang=en")
    response = client.post(f"/agencies/{data.agencies['skhcn']}/deactivate", follow_redirects=True)
    assert "Deactivated “Sở Khoa học và Công nghệ”." in response.get_data(as_text=True)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_dates_read_day_month_year_in_both_languages(client, data, lang):
    login_as(client, data.users["staff"])
    html = client.get(f"/directives/{data.directive}?lang={lang}").get_data(as_text=True)
    assert "15/08/2025" in html and "2025-08-15" not in html and "8/15/2025" not in html
