"""Webhooks: a second notification channel, for the systems around the office.

The office registers endpoints (URL, secret, events, one agency or all). The services that
produce the in-app notifications and emails (tracker.notifications, the task service) also call
`services.emit`, inside the same transaction: one `WebhookDelivery` row per event and matching
endpoint, under a unique (event id, endpoint) key, so a retried request or a second scheduler
never queues an event twice. The scheduler's minute job and `flask --app wsgi webhooks send`
deliver the queue with the outbox's claim → send → mark pattern (`sender.py`).

Events: task.assigned, task.due_soon, task.overdue, task.completed, extension.requested,
extension.decided, directive.created. An endpoint of kind "gateway" receives `{"text": "..."}`
(a short Vietnamese sentence) instead of the JSON event, for a Zalo/SMS gateway.
"""
