"""The office's webhook endpoint form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.forms import REQUIRED, options
from tracker.webhooks.models import EVENTS

EVENT_LABELS = {
    "task.assigned": _l("Giao nhiệm vụ"),
    "task.due_soon": _l("Nhiệm vụ sắp đến hạn"),
    "task.overdue": _l("Nhiệm vụ quá hạn"),
    "task.completed": _l("Nhiệm vụ hoàn thành"),
    "extension.requested": _l("Đề nghị gia hạn"),
    "extension.decided": _l("Quyết định gia hạn"),
    "directive.created": _l("Văn bản chỉ đạo mới"),
}

KIND_LABELS = {
    "json": _l("Webhook JSON có chữ ký"),
    "gateway": _l("Cổng tin nhắn (Zalo/SMS): một câu tiếng Việt"),
}


class EndpointForm(FlaskForm):
    name = StringField(_l("Tên"), validators=[InputRequired(REQUIRED), Length(max=200)])
    url = StringField(
        _l("Địa chỉ nhận (URL)"),
        validators=[InputRequired(REQUIRED), Length(max=500)],
        description=_l("Chỉ nhận địa chỉ http:// hoặc https://."),
    )
    secret = StringField(
        _l("Khóa bí mật"),
        validators=[Length(max=200)],
        description=_l(
            "Dùng để ký HMAC-SHA256. Để trống: tạo tự động (khi thêm) hoặc giữ nguyên (khi sửa)."
        ),
    )
    kind = SelectField(_l("Loại"), choices=options(KIND_LABELS.items()))
    agency_id = SelectField(_l("Cơ quan, đơn vị"), choices=[])
    events = SelectMultipleField(
        _l("Sự kiện"),
        choices=options((e, EVENT_LABELS[e]) for e in EVENTS),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=False,
    )
    active = BooleanField(_l("Đang hoạt động"), default=True)
