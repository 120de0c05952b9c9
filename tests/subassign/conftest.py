"""The reminders' real SMTP server (aiosmtpd) and the app that delivers to it."""

from tests.reminders.conftest import mail_app, smtp  # noqa: F401  (fixtures)
