"""Import every model so that Alembic and `db.metadata` see the whole schema."""

from tracker.agencies.models import Agency, AgencyAlias, AgencyContact, AgencyKind
from tracker.api.models import ApiToken
from tracker.audit.models import AuditLog
from tracker.auth.models import OFFICE_ROLES, LoginFailure, Role, User
from tracker.comments.models import TaskComment
from tracker.deadlines.models import CalendarException, ExtensionRequest, ReportingPeriod
from tracker.directives.models import Directive, DirectiveKind
from tracker.feeds.models import CalendarFeed
from tracker.files.models import Attachment
from tracker.files.signature_models import AttachmentSignature, TrustedRoot
from tracker.letters.models import ReminderLetter, ReminderLetterItem
from tracker.notifications.models import Notification, NotificationCursor, NotificationRead
from tracker.reminders.models import OutboxEmail, ReminderRecord
from tracker.reports import indexes as report_indexes  # noqa: F401  (indexes for the reports)
from tracker.settings.models import Setting
from tracker.subassign.models import SubAssignment
from tracker.tasks.models import ProgressUpdate, Task, task_co_agency
from tracker.webhooks.models import WebhookDelivery, WebhookEndpoint

__all__ = [
    "OFFICE_ROLES",
    "Agency",
    "AgencyAlias",
    "AgencyContact",
    "AgencyKind",
    "ApiToken",
    "Attachment",
    "AttachmentSignature",
    "AuditLog",
    "CalendarException",
    "CalendarFeed",
    "Directive",
    "DirectiveKind",
    "ExtensionRequest",
    "LoginFailure",
    "Notification",
    "NotificationCursor",
    "NotificationRead",
    "OutboxEmail",
    "ProgressUpdate",
    "ReminderRecord",
    "ReminderLetter",
    "ReminderLetterItem",
    "ReportingPeriod",
    "Role",
    "Setting",
    "SubAssignment",
    "Task",
    "TrustedRoot",
    "TaskComment",
    "User",
    "WebhookDelivery",
    "WebhookEndpoint",
    "task_co_agency",
]
