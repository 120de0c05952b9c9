"""The OpenAPI 3.1 document of `/api/v1`, generated from the URL map and the tables below.

The paths come from `app.url_map` (every rule of the `api` blueprint); each endpoint's
summary, parameters and bodies come from `OPERATIONS`, and the shapes from `SCHEMAS`, both in
this one module. An API route missing from `OPERATIONS` makes `build_document` fail, and the
tests validate the document and every endpoint's real responses against it.
"""

import re
from typing import Any

from flask import Flask

NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
DATE = {"type": "string", "format": "date"}
AGENCY_REF = {
    "type": ["object", "null"],
    "required": ["id", "name"],
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
}
STATUSES = [
    "done_on_time",
    "done_late",
    "open_on_time",
    "open_overdue",
    "no_deadline",
    "cancelled",
    "awaiting_acceptance",
]


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "required": list(properties) if required is None else required,
        "properties": properties,
    }


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _page_of(name: str) -> dict[str, Any]:
    return _object(
        {
            "items": {"type": "array", "items": _ref(name)},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer"},
        }
    )


TASK_SUMMARY = {
    "id": {"type": "integer"},
    "directive_id": {"type": "integer"},
    "directive_number": {"type": "string"},
    "content": {"type": "string"},
    "lead_agency": AGENCY_REF,
    "due_on": NULLABLE_DATE,
    "original_due_on": NULLABLE_DATE,
    "cadence": {"type": "string"},
    "status": {"type": "string", "enum": STATUSES},
    "done_on": NULLABLE_DATE,
    "cancelled_on": NULLABLE_DATE,
}
#: the list's tasks also carry their obligations (one-off deadline, periods, via deadline)
OBLIGATIONS = {
    "type": "array",
    "items": _object(
        {
            "kind": {"type": "string"},
            "period_id": {"type": ["integer", "null"]},
            "period": {"type": ["string", "null"]},
            "agency_id": {"type": "integer"},
            "due_on": NULLABLE_DATE,
            "status": {"type": "string", "enum": STATUSES},
        }
    ),
}

SCHEMAS: dict[str, dict[str, Any]] = {
    "Problem": _object(
        {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "errors": {
                "type": "array",
                "items": _object({"field": {"type": "string"}, "message": {"type": "string"}}),
            },
        },
        required=["type", "title", "status", "detail"],
    ),
    "Agency": _object(
        {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "short_name": NULLABLE_STRING,
            "kind": {"type": "string"},
            "active": {"type": "boolean"},
        }
    ),
    "Directive": _object(
        {
            "id": {"type": "integer"},
            "number": {"type": "string"},
            "year": {"type": "integer"},
            "kind": {"type": "string"},
            "issued_on": DATE,
            "issuer": {"type": "string"},
            "title": {"type": "string"},
        }
    ),
    "DirectiveWithTasks": {
        "allOf": [
            _ref("Directive"),
            _object({"tasks": {"type": "array", "items": _ref("Task")}}),
        ]
    },
    "Task": _object(TASK_SUMMARY | {"obligations": OBLIGATIONS}, required=list(TASK_SUMMARY)),
    "Period": _object(
        {
            "id": {"type": "integer"},
            "key": {"type": "string"},
            "label": {"type": "string"},
            "starts_on": DATE,
            "ends_on": DATE,
            "due_on": DATE,
            "done_on": NULLABLE_DATE,
            "report_number": NULLABLE_STRING,
        }
    ),
    "ProgressUpdate": _object(
        {
            "id": {"type": "integer"},
            "task_id": {"type": "integer"},
            "period_id": {"type": ["integer", "null"]},
            "agency_id": {"type": ["integer", "null"]},
            "body": {"type": "string"},
            "created_at": {"type": "string", "format": "date-time"},
        }
    ),
    "ExtensionRequest": _object(
        {
            "id": {"type": "integer"},
            "task_id": {"type": "integer"},
            "period_id": {"type": ["integer", "null"]},
            "state": {"type": "string", "enum": ["pending", "approved", "refused"]},
            "previous_due_on": NULLABLE_DATE,
            "requested_due_on": DATE,
            "approved_due_on": NULLABLE_DATE,
            "reason": {"type": "string"},
            "decision_note": NULLABLE_STRING,
            "requested_at": {"type": "string", "format": "date-time"},
            "decided_at": {"type": ["string", "null"], "format": "date-time"},
        }
    ),
    "Attachment": _object(
        {
            "id": {"type": "integer"},
            "filename": {"type": "string"},
            "content_type": {"type": "string"},
            "size": {"type": "integer"},
            "progress_update_id": {"type": ["integer", "null"]},
            "period_id": {"type": ["integer", "null"]},
            "uploaded_at": {"type": "string", "format": "date-time"},
            "url": {"type": "string"},
        }
    ),
    "TaskDetail": {
        "allOf": [
            _ref("Task"),
            _object(
                {
                    "co_agencies": {"type": "array", "items": AGENCY_REF},
                    "via_agency": AGENCY_REF,
                    "via_due_on": NULLABLE_DATE,
                    "done_report_number": NULLABLE_STRING,
                    "done_report_date": NULLABLE_DATE,
                    "periods": {"type": "array", "items": _ref("Period")},
                    "progress_updates": {"type": "array", "items": _ref("ProgressUpdate")},
                    "extension_requests": {"type": "array", "items": _ref("ExtensionRequest")},
                    "attachments": {"type": "array", "items": _ref("Attachment")},
                }
            ),
        ]
    },
    "TaskPage": _page_of("Task"),
    "DirectivePage": _page_of("Directive"),
    "AgencyPage": _page_of("Agency"),
    "ProgressInput": _object({"body": {"type": "string", "minLength": 1}}),
    "CompletionInput": _object(
        {
            "report_number": {"type": "string"},
            "report_date": DATE,
            "done_on": DATE,
            "note": {"type": "string"},
        },
        required=["report_number"],
    ),
    "ExtensionRequestInput": _object(
        {
            "requested_due_on": DATE,
            "working_days": {"type": "integer", "minimum": 1, "maximum": 365},
            "reason": {"type": "string"},
            "period_id": {"type": "integer"},
        },
        required=["reason"],
    ),
    "ExtensionDecisionInput": _object(
        {
            "action": {"type": "string", "enum": ["approve", "refuse"]},
            "approved_due_on": DATE,
            "note": {"type": "string"},
        },
        required=["action"],
    ),
    "InboxInput": _object(
        {
            # OpenAPI 3.1: a file part is described by its media type, not as a string
            "file": {
                "contentMediaType": "application/octet-stream",
                "description": "Tệp văn bản: .pdf (có lớp chữ), .docx hoặc .txt",
            },
            "number": {"type": "string", "description": "Số/ký hiệu (ví dụ 5016/TB-VPUBND)"},
            "issued_on": {**DATE, "description": "Ngày ban hành (YYYY-MM-DD)"},
            "title": {"type": "string", "description": "Trích yếu"},
            "issuer": {"type": "string", "description": "Cơ quan ban hành"},
        },
        required=["file"],
    ),
    "IncomingDocument": _object(
        {
            "id": {"type": "integer"},
            "number": {"type": "string"},
            "year": {"type": ["integer", "null"]},
            "issued_on": NULLABLE_DATE,
            "title": {"type": "string"},
            "issuer": {"type": "string"},
            "filename": {"type": "string"},
            "content_type": {"type": "string"},
            "size": {"type": "integer"},
            "state": {"type": "string", "enum": ["pending", "processed", "discarded"]},
            "source": {"type": "string", "enum": ["api", "folder"]},
            "received_at": {"type": "string", "format": "date-time"},
            "directive_id": {"type": ["integer", "null"]},
            "duplicate": {
                "type": "boolean",
                "description": "Trùng số/ký hiệu và năm với văn bản chỉ đạo hoặc văn bản đến khác",
            },
            "duplicate_directive_ids": {"type": "array", "items": {"type": "integer"}},
            "duplicate_incoming_ids": {"type": "array", "items": {"type": "integer"}},
            "url": {"type": "string", "description": "Trang của văn bản đến (Văn phòng)"},
        }
    ),
    "OpenAPI": {"type": "object"},
}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


PAGING = [
    _query("page", {"type": "integer", "minimum": 1}, "Trang (từ 1)"),
    _query(
        "per_page", {"type": "integer", "minimum": 1, "maximum": 200}, "Số mục một trang (≤ 200)"
    ),
]
TASK_FILTERS = [
    _query("agency", {"type": "integer"}, "Cơ quan chủ trì, phối hợp hoặc qua (id)"),
    _query("directive", {"type": "integer"}, "Văn bản chỉ đạo (id)"),
    _query("state", {"type": "string", "enum": [*STATUSES, "open"]}, "Trạng thái"),
    _query("due_from", DATE, "Thời hạn từ ngày"),
    _query("due_to", DATE, "Thời hạn đến ngày"),
    _query("q", {"type": "string"}, "Tìm kiếm (không phân biệt dấu)"),
    _query("as_of", DATE, "Trạng thái tính đến ngày"),
]

#: endpoint → (summary, query parameters, request body schema, success status, success schema)
OPERATIONS: dict[str, dict[str, Any]] = {
    "api.tasks": {
        "summary": "Danh sách nhiệm vụ (theo quyền của khóa)",
        "parameters": TASK_FILTERS + PAGING,
        "response": "TaskPage",
        "paged": True,
    },
    "api.task": {
        "summary": "Một nhiệm vụ, với kỳ báo cáo, báo cáo tiến độ, đề nghị gia hạn",
        "parameters": [_query("as_of", DATE, "Trạng thái tính đến ngày")],
        "response": "TaskDetail",
    },
    "api.directives": {
        "summary": "Danh sách văn bản chỉ đạo",
        "parameters": PAGING,
        "response": "DirectivePage",
        "paged": True,
    },
    "api.directive": {
        "summary": "Một văn bản chỉ đạo với các nhiệm vụ",
        "response": "DirectiveWithTasks",
    },
    "api.attachment": {
        "summary": "Tải tệp đính kèm (theo quyền xem nhiệm vụ hoặc văn bản)",
        "binary": True,
    },
    "api.agencies": {
        "summary": "Danh sách cơ quan, đơn vị",
        "parameters": PAGING,
        "response": "AgencyPage",
        "paged": True,
    },
    "api.post_progress": {
        "summary": "Gửi báo cáo tiến độ",
        "body": "ProgressInput",
        "status": "201",
        "response": "ProgressUpdate",
    },
    "api.post_completion": {
        "summary": "Đánh dấu hoàn thành (đơn vị chủ trì hoặc Văn phòng)",
        "body": "CompletionInput",
        "response": "Task",
    },
    "api.post_extension_request": {
        "summary": "Đề nghị gia hạn (đơn vị chủ trì)",
        "body": "ExtensionRequestInput",
        "status": "201",
        "response": "ExtensionRequest",
    },
    "api.post_extension_decision": {
        "summary": "Chấp thuận hoặc từ chối đề nghị gia hạn (Văn phòng)",
        "body": "ExtensionDecisionInput",
        "response": "ExtensionRequest",
        "conflict": True,
    },
    "api.post_inbox": {
        "summary": "Gửi văn bản đến (hệ thống quản lý văn bản → Văn bản đến chờ xử lý; Văn phòng)",
        "body": "InboxInput",
        "multipart": True,
        "status": "201",
        "response": "IncomingDocument",
    },
    "api.inbox_document": {
        "summary": "Tình trạng một văn bản đến: chờ xử lý, đã lưu thành văn bản chỉ đạo, đã bỏ",
        "response": "IncomingDocument",
    },
    "api.openapi": {"summary": "Tài liệu OpenAPI này", "response": "OpenAPI", "public": True},
    "api.docs": {"summary": "Trang tài liệu API (HTML)", "html": True, "public": True},
}

_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def openapi_path(rule: str) -> str:
    """`/api/v1/tasks/<int:task_id>` → `/api/v1/tasks/{task_id}`."""
    return _CONVERTER.sub(lambda m: "{" + m.group(2) + "}", rule)


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": _ref("Problem")}},
    }


def _operation(endpoint: str, rule, method: str) -> dict[str, Any]:
    spec = OPERATIONS[endpoint]
    parameters = [
        {"name": arg, "in": "path", "required": True, "schema": {"type": "integer"}}
        for arg in sorted(rule.arguments)
    ] + list(spec.get("parameters", []))
    responses: dict[str, Any] = {}
    if spec.get("html"):
        responses["200"] = {
            "description": "OK",
            "content": {"text/html": {"schema": {"type": "string"}}},
        }
    elif spec.get("binary"):
        responses["200"] = {
            "description": "OK",
            "content": {
                "*/*": {}  # OpenAPI 3.1: a file of any type needs no schema
            },
        }
    else:
        success: dict[str, Any] = {
            "description": "OK",
            "content": {"application/json": {"schema": _ref(spec["response"])}},
        }
        if method == "get":
            success["headers"] = {"ETag": {"schema": {"type": "string"}}}
        if spec.get("paged"):
            success["headers"]["Link"] = {
                "schema": {"type": "string"},
                "description": "RFC 8288: first, last, prev, next",
            }
            success["headers"]["X-Total-Count"] = {"schema": {"type": "integer"}}
        responses[spec.get("status", "200")] = success
    if method == "get":
        responses["304"] = {"description": "Not Modified (If-None-Match)"}
    if not spec.get("public"):
        responses["401"] = _problem("Khóa API thiếu, sai, hết hạn hoặc đã thu hồi")
        responses["403"] = _problem("Không có quyền")
        responses["429"] = _problem("Quá nhiều yêu cầu (Retry-After)")
    if rule.arguments:
        responses["404"] = _problem("Không tìm thấy (hoặc không được xem)")
    if spec.get("body") or spec.get("parameters"):
        responses["422"] = _problem("Dữ liệu không hợp lệ")
    if spec.get("multipart"):
        responses["413"] = _problem("Tệp vượt giới hạn dung lượng của máy chủ")
    if spec.get("conflict"):
        responses["409"] = _problem("Đã được xử lý")
    operation: dict[str, Any] = {
        "operationId": endpoint.removeprefix("api."),
        "summary": spec["summary"],
        "parameters": parameters,
        "responses": responses,
    }
    if spec.get("public"):
        operation["security"] = []
    if spec.get("body"):
        media = "multipart/form-data" if spec.get("multipart") else "application/json"
        operation["requestBody"] = {
            "required": True,
            "content": {media: {"schema": _ref(spec["body"])}},
        }
    return operation


def api_rules(app: Flask) -> list:
    return sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")),
        key=lambda r: r.rule,
    )


# -- webhooks (tracker.webhooks): what a registered endpoint receives --------------------------

_REF = {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}
_TASK = _object(
    {
        "id": {"type": "integer"},
        "content": {"type": "string"},
        "due_on": NULLABLE_DATE,
        "done_on": NULLABLE_DATE,
        "lead_agency": _REF,
        "url": {"type": "string"},
    }
)
_DIRECTIVE = _object(
    {
        "id": {"type": "integer"},
        "number": {"type": "string"},
        "title": {"type": ["string", "null"]},
        "issued_on": NULLABLE_DATE,
        "url": {"type": "string"},
    }
)
_EXTENSION = _object(
    {
        "id": {"type": "integer"},
        "state": {"type": "string", "enum": ["pending", "approved", "refused"]},
        "previous_due_on": NULLABLE_DATE,
        "requested_due_on": NULLABLE_DATE,
        "approved_due_on": NULLABLE_DATE,
        "note": {"type": ["string", "null"]},
        "period": {"type": ["string", "null"]},
    },
    required=["id", "state"],
)
#: the `data` of each event (the envelope is the same for all)
WEBHOOK_DATA: dict[str, dict[str, Any]] = {
    "task.assigned": _object(
        {
            "task": _TASK,
            "directive": _DIRECTIVE,
            "agency": _REF,
            "role": {"type": "string", "enum": ["lead", "co", "via"]},
        }
    ),
    "task.due_soon": _object(
        {"task": _TASK, "directive": _DIRECTIVE, "agency": _REF, "due_on": NULLABLE_DATE},
        required=["task", "agency"],
    ),
    "task.overdue": _object(
        {"task": _TASK, "directive": _DIRECTIVE, "agency": _REF, "due_on": NULLABLE_DATE},
        required=["task", "agency"],
    ),
    "task.completed": _object(
        {
            "task": _TASK,
            "directive": _DIRECTIVE,
            "report_number": {"type": ["string", "null"]},
            "report_date": NULLABLE_DATE,
        },
        required=["task"],
    ),
    "extension.requested": _object(
        {"task": _TASK, "directive": _DIRECTIVE, "agency": _REF, "extension": _EXTENSION},
        required=["task", "extension"],
    ),
    "extension.decided": _object(
        {"task": _TASK, "directive": _DIRECTIVE, "agency": _REF, "extension": _EXTENSION},
        required=["task", "extension"],
    ),
    "directive.created": _object(
        {
            "directive": _DIRECTIVE,
            "task_count": {"type": "integer"},
            "tasks": {"type": "array", "items": _TASK},
        }
    ),
}


def webhook_payload_schema(event: str) -> dict[str, Any]:
    """The JSON body an endpoint of kind `json` receives for `event` (self-contained)."""
    return _object(
        {
            "event": {"const": event},
            "id": {"type": "string"},
            "occurred_at": {"type": "string", "format": "date-time"},
            "data": WEBHOOK_DATA[event],
        }
    )


def _webhooks() -> dict[str, Any]:
    signature = (
        "Headers: X-Tracker-Timestamp (Unix seconds), X-Tracker-Signature "
        '("sha256=" + HMAC-SHA256 of timestamp + "." + body, with the endpoint\'s secret), '
        "X-Tracker-Event, X-Tracker-Delivery (the event id: a receiver may drop a duplicate). "
        'An endpoint of kind "gateway" receives {"text": "…"} instead, signed the same way.'
    )
    return {
        event: {
            "post": {
                "summary": event,
                "description": signature,
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": webhook_payload_schema(event)}},
                },
                "responses": {"2XX": {"description": "Delivered (anything else is retried)."}},
            }
        }
        for event in WEBHOOK_DATA
    }


def build_document(app: Flask) -> dict[str, Any]:
    """The whole document; a route with no entry in OPERATIONS raises KeyError."""
    paths: dict[str, dict[str, Any]] = {}
    for rule in api_rules(app):
        if rule.endpoint not in OPERATIONS:
            raise KeyError(f"{rule.endpoint} is not described in tracker/api/spec.py OPERATIONS")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(openapi_path(rule.rule), {})[method.lower()] = _operation(
                rule.endpoint, rule, method.lower()
            )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "tracker API",
            "version": "1.0.0",
            "description": "Theo dõi nhiệm vụ được giao tại văn bản chỉ đạo: API REST. "
            "Xác thực bằng khóa API cá nhân: `Authorization: Bearer <khóa>`.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "webhooks": _webhooks(),
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
