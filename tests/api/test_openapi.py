"""The OpenAPI document: valid (openapi-spec-validator), complete (every /api/v1 route), and
true (openapi-core validates the real responses of every endpoint against it)."""

import io
import json

import pytest
from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_spec_validator import validate
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from tests.api.conftest import bearer
from tracker.api.spec import api_rules, openapi_path


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")  # public: no token needed
    assert response.status_code == 200
    return response.json


def test_the_document_is_valid_openapi_3(document):
    validate(document)
    assert document["openapi"].startswith("3.")


def test_the_document_describes_every_api_route(app, document):
    rules = api_rules(app)
    assert len(rules) >= 12
    assert (
        "multipart/form-data"
        in document["paths"]["/api/v1/inbox"]["post"]["requestBody"]["content"]
    )
    for rule in rules:
        path = document["paths"][openapi_path(rule.rule)]
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in path, (rule.rule, method)
    described = {(p, m) for p, ops in document["paths"].items() for m in ops}
    routed = {
        (openapi_path(r.rule), m.lower()) for r in rules for m in r.methods - {"HEAD", "OPTIONS"}
    }
    assert described == routed


def _check(spec: OpenAPI, response, request_too: bool = True) -> None:
    sent = response.request
    if sent.method != "GET":
        # the app consumed a POST's body: describe the call by its method, path and headers
        sent = Request(
            EnvironBuilder(
                method=sent.method, path=sent.path, headers=dict(sent.headers), data=b"{}"
            ).get_environ()
        )
    request = WerkzeugOpenAPIRequest(sent)
    # a POST's body was consumed by the app: only the requests of reads are checked too
    if request_too and response.request.method == "GET":
        spec.validate_request(request)
    # a copy of what was received, so that a file's response is closed at once
    received = Response(response.get_data(), status=response.status_code, headers=response.headers)
    response.close()
    spec.validate_response(request, WerkzeugOpenAPIResponse(received))


def test_real_responses_match_the_document(app, world, tokens, client, document):
    # RFC 9457's media type is JSON: tell openapi-core to read it as such
    config = Config(extra_media_type_deserializers={"application/problem+json": json.loads})
    spec = OpenAPI.from_dict(document, config=config)
    office, officer = bearer(tokens["office_admin"]), bearer(tokens["officer_own"])
    leader = bearer(tokens["leader"])
    reads = [
        ("/api/v1/tasks?per_page=2&state=open&q=so&due_from=2025-01-01&as_of=2025-08-18", office),
        (f"/api/v1/tasks?agency={world['agency']}&directive={world['directive']}", office),
        (f"/api/v1/tasks/{world['own']}", office),
        (f"/api/v1/tasks/{world['periodic']}", leader),
        (f"/api/v1/tasks/{world['via']}?as_of=2025-09-01", leader),
        ("/api/v1/directives", leader),
        (f"/api/v1/directives/{world['directive']}", leader),
        ("/api/v1/agencies?per_page=2&page=2", officer),
        (f"/api/v1/inbox/{world['incoming']}", office),
        (f"/api/v1/attachments/{world['task_file']}", officer),
        ("/api/v1/openapi.json", {}),
        ("/api/v1/docs", {}),
    ]
    for url, headers in reads:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        _check(spec, response)
        response.close()
        if "ETag" in response.headers and response.mimetype == "application/json":
            again = client.get(url, headers={**headers, "If-None-Match": response.headers["ETag"]})
            assert again.status_code == 304
            _check(spec, again)
            again.close()
    errors = [
        ("GET", "/api/v1/tasks", {}, None, 401),
        ("GET", f"/api/v1/tasks/{world['other']}", officer, None, 404),
        ("GET", "/api/v1/directives", officer, None, 403),
        ("GET", f"/api/v1/inbox/{world['incoming']}", leader, None, 403),
        ("GET", "/api/v1/inbox/999999", office, None, 404),
        ("GET", "/api/v1/tasks?due_to=hôm-nay", office, None, 422),
        ("POST", f"/api/v1/tasks/{world['own']}/progress", leader, {"body": "x"}, 403),
        ("POST", f"/api/v1/tasks/{world['own']}/progress", officer, {"body": " "}, 422),
        ("POST", f"/api/v1/tasks/{world['own']}/completion", officer, {"report_number": ""}, 422),
    ]
    for method, url, headers, body, status in errors:
        response = client.open(url, method=method, headers=headers, json=body)
        assert response.status_code == status, (url, response.json)
        assert response.mimetype == "application/problem+json"
        _check(spec, response, request_too=False)
    writes = [
        (f"/api/v1/tasks/{world['own']}/progress", officer, {"body": "Đã gửi dự thảo"}, 201),
        (
            f"/api/v1/extension-requests/{world['extension']}/decision",
            office,
            {"action": "approve", "approved_due_on": "2025-09-10", "note": "Đồng ý"},
            200,
        ),
        (
            f"/api/v1/tasks/{world['own']}/extension-requests",
            officer,
            {"requested_due_on": "2025-09-30", "reason": "Chờ quyết toán"},
            201,
        ),
        (
            f"/api/v1/tasks/{world['own']}/completion",
            officer,
            {"report_number": "123/BC-STC", "report_date": "2025-08-18"},
            200,
        ),
    ]
    for url, headers, body, status in writes:
        response = client.post(url, headers=headers, json=body)
        assert response.status_code == status, (url, response.json)
        _check(spec, response)
    # the document system's inbox: a multipart upload, its request checked against the document
    # too (the body is rebuilt, since the app consumed the one it received)
    notice = "Số: 12/TB-VPUBND\nHòa Bình, ngày 02 tháng 9 năm 2025\nGiao Sở Y tế báo cáo.\n"

    def inbox_form(**fields):
        return {"file": (io.BytesIO(notice.encode()), "tb.txt"), **fields}

    fields = {"number": "12/TB-VPUBND", "issued_on": "2025-09-02", "title": "Kết luận"}
    for headers, form, status in (
        (office, inbox_form(**fields), 201),
        (office, inbox_form(number="12/TB-VPUBND", issued_on="2025-09-02"), 201),  # flagged
        (office, {"number": "x"}, 422),
        (officer, inbox_form(), 403),
        ({}, inbox_form(), 401),
    ):
        response = client.post(
            "/api/v1/inbox", headers=headers, data=form, content_type="multipart/form-data"
        )
        assert response.status_code == status, response.json
        _check(spec, response)
        if status == 201:
            sent = Request(
                EnvironBuilder(
                    method="POST",
                    path="/api/v1/inbox",
                    headers=headers,
                    data=inbox_form(**fields),
                    content_type="multipart/form-data",
                ).get_environ()
            )
            spec.validate_request(WerkzeugOpenAPIRequest(sent))
    assert response.status_code == 401


def test_the_documentation_page_loads_nothing_from_the_internet(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "/api/v1/tasks/{task_id}" in page and "post_completion" in page
    for marker in ('src="http', 'href="http', "cdn", "unpkg", "jsdelivr"):
        assert marker not in page
