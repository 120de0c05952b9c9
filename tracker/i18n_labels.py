"""Vietnamese labels that live as data, listed here so that `pybabel extract` finds them.

The pure rules (tracker.deadlines.{status,periods,calendar}) import no Flask, and the enums keep
their Vietnamese labels as plain strings (they also go to exports and the CLI). Pages translate
them where they are shown, e.g. ``{{ _(state.label) }}`` or ``_l(role.label)`` in a form; this
module only marks the msgids. tests/i18n checks that it lists every label of those enums.
"""

from flask_babel import lazy_gettext as _l

LABELS = (
    # what becomes of a merged agency's accounts (tracker.agencies.reorganisation.UserChoice)
    _l("Chuyển sang cơ quan tiếp nhận"),
    _l("Ngừng hoạt động các tài khoản"),
    # task states (tracker.deadlines.status.Status.label)
    _l("Hoàn thành đúng hạn"),
    _l("Hoàn thành quá hạn"),
    _l("Đang thực hiện trong hạn"),
    _l("Đang thực hiện quá hạn"),
    _l("Không thời hạn"),
    _l("Dừng/hủy"),
    _l("Chờ xác nhận"),
    # acceptance of a completion (tracker.acceptance.models.ClaimState.label)
    _l("Đã xác nhận"),
    _l("Trả lại"),
    # reporting cadences (tracker.deadlines.periods.Cadence.label)
    _l("Một lần (không định kỳ)"),
    _l("Hằng tháng"),
    _l("Hằng quý"),
    _l("Quý I, 6 tháng, 9 tháng, cả năm (lũy kế)"),
    _l("6 tháng"),
    _l("Hằng năm"),
    _l("Lịch tùy chỉnh"),
    # days off and make-up days (tracker.deadlines.calendar, shown on the calendar page)
    _l("Tết Dương lịch"),
    _l("Tết Nguyên đán"),
    _l("Giỗ Tổ Hùng Vương"),
    _l("Nghỉ hoán đổi (làm bù thứ Bảy 04/5/2024)"),
    _l("Ngày Chiến thắng"),
    _l("Ngày Quốc tế Lao động"),
    _l("Quốc khánh"),
    _l("Nghỉ hoán đổi (làm bù thứ Bảy 26/4/2025)"),
    _l("Giỗ Tổ Hùng Vương (nghỉ bù)"),
    _l("Nghỉ hoán đổi (làm bù thứ Bảy 22/8/2026)"),
    _l("Làm bù cho thứ Hai 29/4/2024"),
    _l("Làm bù cho thứ Sáu 02/5/2025"),
    _l("Làm bù cho thứ Hai 31/8/2026"),
    _l("Thứ Bảy"),
    _l("Chủ nhật"),
    _l("Ngày nghỉ do cơ quan bổ sung"),
    _l("Ngày nghỉ"),
    # roles (tracker.auth.models.Role.label)
    _l("Quản trị (Văn phòng UBND tỉnh)"),
    _l("Chuyên viên Văn phòng UBND tỉnh"),
    _l("Cán bộ cơ quan, đơn vị"),
    _l("Lãnh đạo (chỉ xem)"),
    # agency kinds (tracker.agencies.models.AgencyKind.label)
    _l("Sở, ban, ngành"),
    _l("UBND cấp xã"),
    _l("Đơn vị khác"),
    # directive kinds (tracker.directives.models.DirectiveKind: the values are the labels)
    _l("Thông báo kết luận"),
    _l("Chỉ thị"),
    _l("Quyết định"),
    _l("Kế hoạch"),
    _l("Công văn"),
    _l("Thông báo"),
    _l("Khác"),
    # outbox states (tracker.reminders.models.OutboxStatus.label)
    _l("Chờ gửi"),
    _l("Đang gửi"),
    _l("Đã gửi"),
    _l("Gửi không thành công"),
    # reminder kinds (tracker.reminders.models.KIND_LABELS)
    _l("Sắp đến hạn"),
    _l("Đến hạn"),
    _l("Quá hạn"),
    _l("Quá hạn, báo cáo lãnh đạo"),
    _l("Đề nghị cập nhật tiến độ"),
    # extension request states (tracker.deadlines.models.ExtensionState.label)
    _l("Chờ xử lý"),
    _l("Đã chấp thuận"),
    _l("Đã từ chối"),
    # headers of the report's summary table (tracker.reports.exports.SUMMARY_COLUMNS)
    _l("Đơn vị chủ trì"),
    _l("Tổng số nhiệm vụ trong kỳ"),
    _l("Hoàn thành đúng hạn"),
    _l("Hoàn thành quá hạn"),
    _l("Đang thực hiện trong hạn"),
    _l("Đang thực hiện quá hạn"),
    _l("Đã đến hạn (n)"),
    _l("Tỷ lệ hoàn thành (%)"),
    _l("Tỷ lệ đúng hạn (%)"),
    _l("Cận dưới Wilson 95% (%)"),
    _l("Cận trên Wilson 95% (%)"),
    _l("Được gia hạn"),
    _l("Quá hạn trên 30 ngày"),
    _l("Quá hạn trên 120 ngày"),
    _l("Không thời hạn, 3 tháng chưa báo cáo"),
    _l("Dừng/hủy (không tính)"),
)
