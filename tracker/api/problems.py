"""Errors as `application/problem+json` (RFC 9457), in the request's language."""

from typing import Any

from flask import Response, json
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

PROBLEM_TYPE = "about:blank"


def titles() -> dict[int, str]:
    """The title of each status the API answers with (translated in the request)."""
    return {
        400: _("Yêu cầu không hợp lệ"),
        401: _("Chưa xác thực"),
        403: _("Không có quyền"),
        404: _("Không tìm thấy"),
        405: _("Phương thức không được hỗ trợ"),
        409: _("Xung đột"),
        413: _("Dữ liệu quá lớn"),
        422: _("Dữ liệu không hợp lệ"),
        429: _("Quá nhiều yêu cầu"),
        500: _("Lỗi máy chủ"),
    }


def details() -> dict[int, str]:
    return {
        401: _("Thiếu khóa API, khóa sai, đã hết hạn hoặc đã bị thu hồi."),
        403: _("Khóa API này không được phép thực hiện thao tác này."),
        404: _("Không tìm thấy tài nguyên yêu cầu."),
        405: _("Phương thức HTTP này không dùng được ở địa chỉ này."),
        422: _("Vui lòng kiểm tra các trường được liệt kê."),
        429: _("Khóa API này đã gửi quá nhiều yêu cầu; vui lòng thử lại sau."),
        500: _("Đã xảy ra lỗi; vui lòng thử lại sau."),
    }


def problem(
    status: int,
    detail: str | None = None,
    *,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE,
        "title": titles().get(status, str(status)),
        "status": status,
        "detail": detail or details().get(status, ""),
    }
    if errors:
        body["errors"] = errors
    response = Response(
        json.dumps(body, ensure_ascii=False), status=status, mimetype="application/problem+json"
    )
    response.headers["Content-Language"] = str(_locale())
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "vi")


def from_http_exception(error: HTTPException) -> Response:
    headers = {}
    if error.code == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="tracker"'
    if error.code == 405 and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    return problem(error.code or 500, headers=headers)
