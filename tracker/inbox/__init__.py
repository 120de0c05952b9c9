"""The document system's inbox (Văn bản đến chờ xử lý): incoming documents waiting for review.

A document arrives by the API (`POST /api/v1/inbox`) or from a watched folder (`flask --app
wsgi inbox import DIR`, or the scheduler); the office opens it, runs the extraction review on
its text and saves a directive that keeps the file as its attachment, or discards it.
"""
