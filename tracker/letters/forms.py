"""The office's form for a reminder letter."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from tracker.forms import VNDateField, options
from tracker.letters.models import KIND_REMIND, KIND_URGE


def _text(label, max_length: int, **kw) -> StringField:
    return StringField(
        label,
        validators=[
            Length(max=max_length, message=_l("Tối đa %(max)s ký tự.")),
        ],
        **kw,
    )


class LetterForm(FlaskForm):
    """The agencies are checkboxes the view reads itself (`agency` values): the list is the
    agencies overdue today, and a stale or typed id gets a Vietnamese message, not WTForms'."""

    kind = RadioField(
        _l("Loại công văn"),
        choices=options([(KIND_URGE, _l("Đôn đốc")), (KIND_REMIND, _l("Nhắc nhở"))]),
        default=KIND_URGE,
        validate_choice=False,
    )
    mode = RadioField(
        _l("Số công văn"),
        choices=options(
            [
                ("one", _l("Một công văn gửi tất cả cơ quan, đơn vị đã chọn")),
                ("each", _l("Mỗi cơ quan, đơn vị một công văn (tải về tệp .zip)")),
            ]
        ),
        default="one",
        validate_choice=False,
    )
    new_due_on = VNDateField(_l("Thời hạn mới (hoàn thành và báo cáo trước ngày)"))
    letter_date = VNDateField(
        _l("Ngày ký"),
        validators=[Optional()],
        description=_l("Để trống: văn thư ghi ngày khi ký (in “ngày … tháng … năm …”)."),
    )
    subject = _text(
        _l("Trích yếu"),
        500,
        description=_l("Để trống: “V/v đôn đốc thực hiện nhiệm vụ được giao đã quá hạn”."),
    )
    request_text = TextAreaField(
        _l("Yêu cầu"),
        validators=[Length(max=5000, message=_l("Tối đa %(max)s ký tự."))],
        description=_l("Để trống: nội dung yêu cầu mặc định của loại công văn đã chọn."),
    )
    parent_body = _text(
        _l("Cơ quan chủ quản"),
        255,
        description=_l(
            "Ví dụ “UBND TỈNH HÒA BÌNH” khi Văn phòng ban hành; để trống khi UBND tỉnh ban hành."
        ),
    )
    issuing_body = _text(_l("Cơ quan ban hành"), 255)
    symbol = _text(_l("Ký hiệu"), 50, description=_l("In sau “Số:      /”, ví dụ UBND-TH."))
    place = _text(_l("Địa danh"), 100)
    signer_authority = _text(
        _l("Quyền hạn người ký"), 100, description=_l("Ví dụ KT. CHỦ TỊCH, TM. ỦY BAN NHÂN DÂN.")
    )
    signer_title = _text(_l("Chức vụ người ký"), 100, description=_l("Ví dụ PHÓ CHỦ TỊCH."))
    signer_name = _text(_l("Họ và tên người ký"), 100)
    recipients_extra = TextAreaField(
        _l("Nơi nhận (sau “- Như trên;”)"),
        validators=[Length(max=2000, message=_l("Tối đa %(max)s ký tự."))],
    )
