"""Import every model so that Alembic and `db.metadata` see the whole schema."""

from tracker.acceptance.models import CompletionClaim
from tracker.agencies.models import Agency, AgencyAlias, AgencyContact, AgencyKind
from tracker.api.models import ApiToken
from tracker.audit.models import AuditLog
from tracker.auth.models import OFFICE_ROLES, LoginFailure, Role, User
from tracker.comments.models import TaskComment
from tracker.deadlines.models import CalendarException, ExtensionRequest, ReportingPeriod
from tracker.directives.models import Directive, DirectiveKind
from tracker.feeds.models import CalendarFeed, UserCalendarFeed
from tracker.files.models import Attachment
from tracker.files.signature_models import AttachmentSignature, TrustedRoot
from tracker.inbox.models import IncomingDocument
from tracker.indexes.models import (
    CriterionAssessment,
    IndexCriterion,
    IndexResult,
    ScoreIndex,
    TaskCriterion,
)
from tracker.letters.models import ReminderLetter, ReminderLetterItem
from tracker.notifications.models import Notification, NotificationCursor, NotificationRead
from tracker.reminders.models import OutboxEmail, ReminderRecord
from tracker.reports import indexes as report_indexes  # noqa: F401  (indexes for the reports)
from tracker.settings.models import Setting
from tracker.subassign.models import SubAssignment
from tracker.targets.models import TaskChecklistItem, TaskTarget
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
    "CriterionAssessment",
    "CompletionClaim",
    "Directive",
    "DirectiveKind",
    "ExtensionRequest",
    "IndexCriterion",
    "IndexResult",
    "IncomingDocument",
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
    "ScoreIndex",
    "Setting",
    "SubAssignment",
    "Task",
    "TaskChecklistItem",
    "TaskCriterion",
    "TaskTarget",
    "TrustedRoot",
    "TaskComment",
    "User",
    "UserCalendarFeed",
    "WebhookDelivery",
    "WebhookEndpoint",
    "task_co_agency",
]
